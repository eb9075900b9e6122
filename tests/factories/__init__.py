"""One factory per model, one module per app; import them from here."""

from .accounts import PASSWORD, CustomerFactory, StaffFactory, UserFactory

__all__ = ["PASSWORD", "CustomerFactory", "StaffFactory", "UserFactory"]
