"""CAL-6: the seeded calendars, all in Europe/Kyiv (CAL-5)."""

from django.db import migrations

WEEKDAYS = range(0, 5)
WEEKEND = (5, 6)

CALENDARS = [
    ("cms-tech", "CMS technical support", "Mon–Fri 11:00–19:00.",
     [(d, 11 * 60, 19 * 60) for d in WEEKDAYS]),
    ("cms-desk", "CMS live chat and phone desk", "Mon–Fri 00:00–24:00.",
     [(d, 0, 1440) for d in WEEKDAYS]),
    ("data-standard", "Data line Standard (9/5)", "Mon–Fri 09:00–18:00.",
     [(d, 9 * 60, 18 * 60) for d in WEEKDAYS]),
    ("data-extended", "Data line support centre (16/5 + weekends)",
     "Mon–Fri 08:00–24:00, Sat–Sun 12:00–20:00 (Premium and Signature).",
     [(d, 8 * 60, 1440) for d in WEEKDAYS] + [(d, 12 * 60, 20 * 60) for d in WEEKEND]),
    ("data-delta-window", "Delta migration start window", "Mon–Fri 09:00–21:00.",
     [(d, 9 * 60, 21 * 60) for d in WEEKDAYS]),
]


def seed(apps, schema_editor):
    BusinessCalendar = apps.get_model("calendars", "BusinessCalendar")
    OpeningRange = apps.get_model("calendars", "OpeningRange")
    db = schema_editor.connection.alias
    for slug, name, description, ranges in CALENDARS:
        calendar, created = BusinessCalendar.objects.using(db).get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "timezone": "Europe/Kyiv",
                "holiday_policy": "statutory",
            },
        )
        if created:
            OpeningRange.objects.using(db).bulk_create(
                OpeningRange(calendar=calendar, weekday=d, start_minute=s, end_minute=e)
                for d, s, e in ranges
            )


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
