"""One factory per model, one module per app; import them from here."""

from .accounts import PASSWORD, CustomerFactory, StaffFactory, UserFactory
from .billing import *  # noqa: F403  (billing factories)
from .orders import *  # noqa: F403  (orders factories)
from .support import *  # noqa: F403  (support factories)

__all__ = ["PASSWORD", "CustomerFactory", "StaffFactory", "UserFactory"]
