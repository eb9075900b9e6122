"""ACC-2: staff roles as groups, each with the permissions its work needs.

The groups are created by a data migration; their permissions are kept in step with
the declared lists after every ``migrate`` (permissions of an app exist only once the
app is migrated). Each app declares the permissions its models need, per role, in its
own ``roles`` module as ``ROLE_PERMISSIONS``; ``role_permissions()`` merges them.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps as global_apps


class Role:
    ACCOUNT_MANAGERS = "Account managers"
    SUPPORT_ENGINEERS = "Support engineers"
    FINANCE = "Finance"

    ALL = (ACCOUNT_MANAGERS, SUPPORT_ENGINEERS, FINANCE)


def crud(model: str, *verbs: str) -> list[str]:
    app_label, name = model.split(".")
    return [f"{app_label}.{verb}_{name}" for verb in verbs]


# role -> "app_label.codename" permissions. Money records and audit history are never
# deleted, so no role is given a delete permission on them.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ACCOUNT_MANAGERS: [
        *crud("accounts.customer", "view", "add", "change"),
        *crud("accounts.user", "view"),
    ],
    Role.SUPPORT_ENGINEERS: [
        *crud("accounts.customer", "view"),
    ],
    Role.FINANCE: [
        *crud("accounts.customer", "view"),
    ],
}


def role_permissions() -> dict[str, set[str]]:
    """Every installed app's declared role permissions, merged."""
    merged: dict[str, set[str]] = {role: set() for role in Role.ALL}
    for config in global_apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.roles":
                raise
            continue
        for role, names in getattr(module, "ROLE_PERMISSIONS", {}).items():
            if role not in merged:
                raise ValueError(f"{config.name}.roles: unknown role {role!r}")
            merged[role].update(names)
    return merged


def sync_role_permissions(sender=None, apps=global_apps, using="default", **kwargs) -> None:
    """Give each role group exactly the permissions listed for it.

    Permissions not yet created (their app is not migrated yet) are skipped; the next
    ``migrate`` adds them. Connected to ``post_migrate``.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = set()
        for name in names:
            app_label, codename = name.split(".")
            wanted.update(
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .values_list("pk", flat=True)
            )
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted != current:
            group.permissions.set(wanted)
