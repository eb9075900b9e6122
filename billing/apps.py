from django.apps import AppConfig


class BillingConfig(AppConfig):
    verbose_name = "Billing"
    name = "billing"

    def ready(self) -> None:
        from orders.adjustments import register_adjustment
        from slaportal.calendars.deadlines import register_deadline_owner

        from . import (  # noqa: F401  (the e-mail kinds, the PDFs)
            checks,  # noqa: F401  (registers the deploy checks)
            documents,
            emails,
        )

        def discount_lines(migration):
            # BIL-7: the code confirmed on the order, off the quote's total.
            from .models import DiscountRedemption

            return [(f"Discount {r.code.code} ({format(r.percent.normalize(), 'f')}%)",
                     -r.amount_usd)
                    for r in DiscountRedemption.objects.filter(migration=migration)
                    .select_related("code")]

        register_adjustment("billing.discount", discount_lines)

        @register_deadline_owner("billing.refund_requests")
        def reevaluate_refund_requests(calendar_slugs: frozenset[str], *, cause: str = "") -> int:
            # CAL-8: BIL-9's 72 business hours depend on data-extended / cms-tech.
            from .services.refunds import refund_requests_reevaluate

            return refund_requests_reevaluate(calendar_slugs=frozenset(calendar_slugs))

        from orders.signals import records_counted

        records_counted.connect(_surcharge_from_count, dispatch_uid="billing.surcharge")


def _surcharge_from_count(sender, *, migration, records: int, now, **kwargs) -> None:
    """BIL-5: the engine's count at the start of a paid full migration, above the records
    ordered, raises the surcharge (the service an account manager uses in the admin)."""
    from .choices import SurchargeSource
    from .services.surcharges import surcharge_applies, surcharge_raise

    if surcharge_applies(migration, records):
        surcharge_raise(migration=migration, records_at_start=records, actor=None,
                        source=SurchargeSource.ENGINE, now=now,
                        note="Counted by the migration engine at the start.")
