"""The account managers' admin for orders (the main UI). Actions call services."""

from . import catalogue, migrations, work  # noqa: F401  (registers the ModelAdmins)
