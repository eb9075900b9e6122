"""SUP-3/SUP-7/SUP-11: the one settings row, with the seeded values."""

from django.db import migrations


def seed(apps, schema_editor):
    SupportSettings = apps.get_model("support", "SupportSettings")
    SupportSettings.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("support", "0003_historicalcustomerplan_historicalsupportaccessgrant_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
