"""BIL-6: standard VAT/GST rates of the countries customers most often bill from,
as a starting table finance edits in the admin (Billing › Tax rules). The United
States has none by decision (the vendor covers US taxes)."""

from decimal import Decimal

from django.db import migrations

RATES = [
    ("AT", "VAT", "20"), ("AU", "GST", "10"), ("BE", "VAT", "21"), ("CA", "GST", "5"),
    ("CH", "VAT", "8.1"), ("CZ", "VAT", "21"), ("DE", "VAT", "19"), ("DK", "VAT", "25"),
    ("ES", "VAT", "21"), ("FI", "VAT", "25.5"), ("FR", "VAT", "20"), ("GB", "VAT", "20"),
    ("IE", "VAT", "23"), ("IT", "VAT", "22"), ("NL", "VAT", "21"), ("NO", "VAT", "25"),
    ("PL", "VAT", "23"), ("PT", "VAT", "23"), ("SE", "VAT", "25"), ("UA", "VAT", "20"),
]


def seed(apps, schema_editor):
    TaxRule = apps.get_model("billing", "TaxRule")
    db = schema_editor.connection.alias
    for country, name, rate in RATES:
        TaxRule.objects.using(db).get_or_create(
            country=country, defaults={"name": name, "rate_percent": Decimal(rate)})


class Migration(migrations.Migration):
    dependencies = [("billing", "0006_refund_verifier")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
