from django.apps import AppConfig


class SupportConfig(AppConfig):
    verbose_name = "Support"
    name = "support"

    def ready(self) -> None:
        from slaportal.calendars.deadlines import register_deadline_owner

        from .services.clocks import recompute_ticket_deadlines

        # CAL-8: a calendar change recomputes the open tickets counted on it.
        register_deadline_owner("support.tickets")(recompute_ticket_deadlines)
