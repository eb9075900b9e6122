from django.apps import AppConfig


class OrdersConfig(AppConfig):
    verbose_name = "Orders and migrations"
    name = "orders"

    def ready(self) -> None:
        from slaportal.calendars.deadlines import register_deadline_owner

        from . import emails  # noqa: F401  (registers the e-mail kinds)
        from .services.packages import packages_recompute_for_calendars

        # CAL-8: a change to cms-tech moves open package due dates.
        register_deadline_owner("orders.packages")(packages_recompute_for_calendars)
