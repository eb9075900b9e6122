"""Rows that data migrations seed come back after a database flush.

``manage.py flush`` (and every transactional test, which flushes when it ends) empties
all tables but emits ``post_migrate``; the seed migrations listed here run again then,
when their table is empty. They use ``get_or_create`` so running them twice is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import SimpleNamespace


@dataclass(frozen=True)
class SeedMigration:
    module: str  # dotted path of the migration module
    function: str  # its RunPython forward function, taking (apps, schema_editor)
    model: str  # "app_label.Model" that is empty when the seed is missing


# In dependency order (plans need calendars).
SEEDS = [
    SeedMigration(
        "slaportal.calendars.migrations.0002_seed_calendars", "seed", "calendars.BusinessCalendar"
    ),
    SeedMigration("slaportal.plans.migrations.0002_seed_plans", "seed", "plans.SupportPlan"),
    SeedMigration(
        "support.migrations.0004_seed_support_settings", "seed", "support.SupportSettings"
    ),
    SeedMigration("orders.migrations.0003_seed_catalogue", "seed", "orders.Platform"),
    SeedMigration("billing.migrations.0007_seed_tax_rules", "seed", "billing.TaxRule"),
]


def reseed_empty_tables(sender=None, apps=None, using="default", **kwargs) -> None:
    """``post_migrate`` receiver: run each registered seed whose table is empty."""
    if apps is None:
        from django.apps import apps
    # Emptiness is decided before any seed runs: several seeds may fill one table.
    empty = {}
    for seed in SEEDS:
        app_label, model_name = seed.model.split(".")
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:  # that app is not migrated yet
            continue
        empty.setdefault(seed.model, not model.objects.using(using).exists())
    for seed in SEEDS:
        if empty.get(seed.model):
            forward = getattr(import_module(seed.module), seed.function)
            forward(apps, SimpleNamespace(connection=SimpleNamespace(alias=using)))
