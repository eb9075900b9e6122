"""ORD-3, ORD-11, ORD-12, ORD-13: a realistic seeded catalogue. Every number is an
admin setting; this only fills empty tables (idempotent)."""

from decimal import Decimal

from django.db import migrations
from django.utils.text import slugify

DATA_PLATFORMS = [
    "Zendesk", "Freshdesk", "Jira Service Management", "Help Scout", "HubSpot",
    "Intercom", "ServiceNow", "Salesforce Service Cloud", "Gorgias", "Kayako",
]
CMS_PLATFORMS = [
    "WordPress", "Joomla", "Drupal", "Wix", "Squarespace", "Shopify", "phpBB",
    "vBulletin", "Blogger", "HubSpot CMS",
]
# Source-only systems (hosted builders export poorly as targets).
CMS_SOURCE_ONLY = {"Wix", "Blogger", "Squarespace"}
ENTERPRISE = {"ServiceNow", "Salesforce Service Cloud"}

# (up_to, unit price) — graduated bands; the last band has no end.
DATA_TIERS = [(5_000, "0.0500"), (50_000, "0.0300"), (250_000, "0.0200"), (None, "0.0120")]
CMS_TIERS = [(1_000, "0.0800"), (10_000, "0.0500"), (100_000, "0.0300"), (None, "0.0200")]

OPTIONS = [
    ("data", "migrate-inline-images", "Migrate inline images", "59.00"),
    ("data", "skip-attachments", "Skip attachments", "0.00"),
    ("data", "custom-field-mapping", "Custom field mapping", "99.00"),
    ("data", "migrate-call-recordings", "Migrate call recordings", "79.00"),
    ("data", "demo-with-custom-data", "Demo with custom data", "49.00"),
    ("cms", "migrate-inline-images", "Migrate inline images", "39.00"),
    ("cms", "301-redirects", "Create 301 redirects", "49.00"),
    ("cms", "preserve-urls", "Preserve URLs", "29.00"),
    ("cms", "migrate-seo-fields", "Migrate SEO meta fields", "29.00"),
    ("cms", "clear-target-data", "Clear target data before migration", "0.00"),
]


def seed(apps, schema_editor):
    db = schema_editor.connection.alias
    Platform = apps.get_model("orders", "Platform")
    PriceTable = apps.get_model("orders", "PriceTable")
    PriceTier = apps.get_model("orders", "PriceTier")
    MigrationOption = apps.get_model("orders", "MigrationOption")
    InsurancePlan = apps.get_model("orders", "InsurancePlan")
    PackageOffer = apps.get_model("orders", "PackageOffer")
    AssistedOffer = apps.get_model("orders", "AssistedOffer")
    OrdersSettings = apps.get_model("orders", "OrdersSettings")

    OrdersSettings.objects.using(db).get_or_create(pk=1)
    if Platform.objects.using(db).exists():
        return
    for line, names, tiers, minimum in (
        ("data", DATA_PLATFORMS, DATA_TIERS, "39.00"),
        ("cms", CMS_PLATFORMS, CMS_TIERS, "29.00"),
    ):
        platforms = [
            Platform.objects.using(db).create(
                name=name, slug=f"{line}-{slugify(name)}", line=line,
                is_target=name not in CMS_SOURCE_ONLY,
            )
            for name in names
        ]
        for source in platforms:
            for target in platforms:
                if source == target or not target.is_target:
                    continue
                factor = Decimal("1.5") if target.name in ENTERPRISE else Decimal("1")
                table = PriceTable.objects.using(db).create(
                    line=line, source=source, target=target, minimum_price=Decimal(minimum)
                )
                PriceTier.objects.using(db).bulk_create(
                    PriceTier(table=table, up_to=up_to, unit_price=Decimal(price) * factor)
                    for up_to, price in tiers
                )
    for line, code, name, price in OPTIONS:
        MigrationOption.objects.using(db).create(
            line=line, code=code, name=name, price=Decimal(price)
        )
    for name, restarts, days, percent in (
        ("Insurance Basic: 1 restart / 7 business days", 1, 7, "7"),
        ("Insurance Standard: 2 restarts / 14 business days", 2, 14, "12"),
        ("Insurance Premium: 3 restarts / 30 business days", 3, 30, "25"),
    ):
        InsurancePlan.objects.using(db).create(
            name=name, restarts=restarts, window_business_days=days, percent=Decimal(percent)
        )
    for tier, pages, hours, days, price in (
        ("basic", 1_000, 6, 7, "399.00"),
        ("extended", 5_000, 10, 14, "699.00"),
        ("premium", 25_000, 25, 21, "1299.00"),
        ("ultimate", None, 50, None, "2999.00"),
    ):
        PackageOffer.objects.using(db).create(
            tier=tier, page_limit=pages, hours=hours, business_days=days, price=Decimal(price)
        )
    for tier, amount, unit, plugins, price in (
        ("basic", 3, "business_days", False, "99.00"),
        ("standard", 3, "business_days", True, "199.00"),
        ("premium", 24, "business_hours", True, "299.00"),
    ):
        AssistedOffer.objects.using(db).create(
            tier=tier, amount=amount, unit=unit, includes_plugins=plugins, price=Decimal(price)
        )


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_catalogue_and_records")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
