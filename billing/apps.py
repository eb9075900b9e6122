from django.apps import AppConfig


class BillingConfig(AppConfig):
    verbose_name = "Billing"
    name = "billing"

    def ready(self) -> None:
        from slaportal.calendars.deadlines import register_deadline_owner

        @register_deadline_owner("billing.refund_requests")
        def reevaluate_refund_requests(calendar_slugs: frozenset[str], *, cause: str = "") -> int:
            # CAL-8: BIL-9's 72 business hours depend on data-extended / cms-tech.
            from .services.refunds import refund_requests_reevaluate

            return refund_requests_reevaluate(calendar_slugs=frozenset(calendar_slugs))
