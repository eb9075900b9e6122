from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "slaportal.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import (
            checks,  # noqa: F401  (registers the deploy checks)
            emails,  # noqa: F401  (registers the e-mail kinds)
        )
        from .roles import sync_role_permissions

        # Permissions of apps migrated later exist only after their migrations, so
        # the role permissions are synced again after every migrate (ACC-2).
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_roles")

        from slaportal.seeding import reseed_empty_tables

        post_migrate.connect(reseed_empty_tables, dispatch_uid="slaportal.reseed")
