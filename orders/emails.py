"""The e-mails orders sends customers about their migration's milestones (ORD-6),
each a registered kind of ``slaportal.mail`` with a link to the migration's page."""

from __future__ import annotations

from django.urls import reverse

from slaportal import mail
from slaportal.accounts.templatetags.portal import deadline_text


def _context(migration) -> dict:
    customer = migration.customer
    return {"name": customer.greeting,
            "migration_id": migration.migration_id,
            "source": getattr(migration.source_platform, "name", "the source"),
            "target": getattr(migration.target_platform, "name", "the target"),
            "link": reverse("orders:detail", args=[migration.migration_id]),
            "link_label": f"Follow {migration.migration_id}"}


def _when(migration, when) -> str:
    return deadline_text(when, migration.customer.time_zone) if when else ""


def migration_started(migration) -> None:
    package = getattr(migration, "service_package", None)
    mail.send_kind("orders/migration_started", to=[migration.customer.user.email], context={
        **_context(migration), "due": _when(migration, getattr(package, "due_at", None))})


def migration_completed(migration, review_until) -> None:
    """ORD-6: the results are ready; the review period's end (CMS) is in the e-mail."""
    mail.send_kind("orders/migration_completed", to=[migration.customer.user.email],
                   context={**_context(migration), "review_until": _when(migration, review_until)})


def review_ending(migration, review_until) -> None:
    """ORD-6: the review period ends soon; after it the results count as accepted."""
    mail.send_kind("orders/review_ending", to=[migration.customer.user.email],
                   context={**_context(migration), "review_until": _when(migration, review_until)})


_DEMO = {"name": "Bob Stone", "migration_id": "M-2026-000017", "source": "WordPress",
         "target": "Drupal", "link": "/orders/M-2026-000017/",
         "link_label": "Follow M-2026-000017"}

mail.kind("orders/migration_started", title="Migration started",
          subject=lambda c: f"Migration {c['migration_id']} has started",
          demo=lambda: {**_DEMO, "due": "Fri 11 Dec 2026, 18:00 Kyiv"})
mail.kind("orders/migration_completed", title="Migration completed (review period)",
          subject=lambda c: f"Migration {c['migration_id']} is complete — please review it",
          demo=lambda: {**_DEMO, "review_until": "Tue 22 Dec 2026, 11:30 Kyiv"})
mail.kind("orders/review_ending", title="Review period ending",
          subject=lambda c: f"Migration {c['migration_id']}: the review period ends "
                            f"{c['review_until']}",
          demo=lambda: {**_DEMO, "review_until": "Tue 22 Dec 2026, 11:30 Kyiv"})
