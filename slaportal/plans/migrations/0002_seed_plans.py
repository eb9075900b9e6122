"""SUP-5/SUP-10/ORD-3: the seeded support plans and their prices, every number editable
in the admin. On a database migrated before the move the rows are there already
(``get_or_create``); after a flush (tests) they come back from here (slaportal.seeding)."""

from decimal import Decimal

from django.db import migrations

PLANS = [
    # code, name, line, calendar, rank, response (amount, unit), entitlements, price
    dict(code="cms", name="CMS support (3 business days)", line="cms", calendar="cms-tech",
         priority_rank=1, response_amount=3, response_unit="business_days", retention_days=5),
    dict(code="standard", name="STANDARD", line="data", calendar="data-standard",
         priority_rank=1, response_amount=24, response_unit="business_hours",
         retention_days=5),
    dict(code="premium", name="PREMIUM", line="data", calendar="data-extended",
         priority_rank=2, response_amount=24, response_unit="business_hours",
         free_remigrations=1, remigration_window_days=5, retention_days=5,
         price=Decimal("199.00")),
    dict(code="signature", name="SIGNATURE", line="data", calendar="data-extended",
         priority_rank=3, response_amount=24, response_unit="business_hours",
         free_remigrations=1, remigration_window_days=10, delta_migrations=1,
         delta_window_days=10, interval_migration=True, weekend_support=True,
         skipped_records_check=True, retention_days=10, price=Decimal("399.00")),
]


def seed(apps, schema_editor):
    SupportPlan = apps.get_model("plans", "SupportPlan")
    BusinessCalendar = apps.get_model("calendars", "BusinessCalendar")
    db = schema_editor.connection.alias
    for values in PLANS:
        values = dict(values)
        calendar = BusinessCalendar.objects.using(db).get(slug=values.pop("calendar"))
        SupportPlan.objects.using(db).get_or_create(
            code=values.pop("code"),
            defaults={**values, "calendar": calendar, "update_amount": 1,
                      "update_unit": "business_days"},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("calendars", "0002_seed_calendars"),
        ("support", "0011_plans_moved_out"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
