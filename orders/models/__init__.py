"""Orders models: migrations and their quotes (core), the catalogue and price tables,
and the records kept about each migration."""

from .catalogue import (
    AssistedOffer,
    InsurancePlan,
    MigrationOption,
    OrdersSettings,
    PackageOffer,
    Platform,
    PriceTable,
    PriceTier,
)
from .core import (
    MIGRATION_ID_ALPHABET,
    MIGRATION_ID_LENGTH,
    Migration,
    PackageTier,
    QuoteLine,
    ServicePackage,
    new_migration_id,
)
from .records import (
    AccessDetail,
    AccessFailure,
    AssistedMigration,
    CustomWorkRequest,
    DataSample,
    EngineClient,
    EngineEvent,
    MigrationEvent,
    MigrationLog,
    NonProfitApplication,
    PackageChecklistItem,
)

__all__ = [
    "MIGRATION_ID_ALPHABET", "MIGRATION_ID_LENGTH", "AccessDetail", "AccessFailure",
    "AssistedMigration", "AssistedOffer", "CustomWorkRequest", "DataSample", "EngineClient",
    "EngineEvent", "InsurancePlan", "Migration", "MigrationEvent", "MigrationLog",
    "MigrationOption", "NonProfitApplication", "OrdersSettings", "PackageChecklistItem",
    "PackageOffer", "PackageTier", "Platform", "PriceTable", "PriceTier", "QuoteLine",
    "ServicePackage", "new_migration_id",
]
