"""ORD-3: plan prices on an order (admin settings; Standard is included)."""

from decimal import Decimal

from django.db import migrations

PRICES = {"premium": Decimal("199.00"), "signature": Decimal("399.00")}


def seed(apps, schema_editor):
    SupportPlan = apps.get_model("support", "SupportPlan")
    db = schema_editor.connection.alias
    for code, price in PRICES.items():
        SupportPlan.objects.using(db).filter(code=code, price=0).update(price=price)


class Migration(migrations.Migration):
    dependencies = [("support", "0004_seed_support_settings")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
