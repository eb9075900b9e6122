from django.apps import AppConfig


class SupportConfig(AppConfig):
    verbose_name = "Support"
    name = "support"

    def ready(self) -> None:
        from slaportal.calendars.deadlines import register_deadline_owner

        from . import emails  # noqa: F401  (registers the e-mail kinds)
        from .services.clocks import recompute_ticket_deadlines

        # CAL-8: a calendar change recomputes the open tickets counted on it.
        register_deadline_owner("support.tickets")(recompute_ticket_deadlines)

        from .services.clarifications import recompute_clarification_deadlines

        # CAL-8/SUP-3: and the waiting periods (with the auto-close) of their requests.
        register_deadline_owner("support.clarifications")(recompute_clarification_deadlines)

        from slaportal.calendars.deadlines import register_deadline_preview

        from .services.clarifications import preview_clarification_deadlines
        from .services.clocks import preview_ticket_deadlines

        # CAL-8: what a calendar change would move, shown before it is saved.
        register_deadline_preview("support.tickets")(preview_ticket_deadlines)
        register_deadline_preview("support.clarifications")(preview_clarification_deadlines)

        from orders.holds import register_archive_hold

        # ORD-15: a customer's open ticket about a migration holds its archive.
        register_archive_hold("support.open_tickets", exists=_open_tickets_about,
                              describe=_open_tickets_described)


def _open_tickets_about():
    from django.db.models import OuterRef

    from .choices import OPEN_TICKET_STATUSES
    from .models import Ticket

    return Ticket.objects.filter(migration=OuterRef("pk"), status__in=OPEN_TICKET_STATUSES)


def _open_tickets_described(migration) -> list[str]:
    from .choices import OPEN_TICKET_STATUSES

    return [f"Open ticket {ticket.reference}: {ticket.subject}"
            for ticket in migration.tickets.filter(status__in=OPEN_TICKET_STATUSES)
            .order_by("pk")]
