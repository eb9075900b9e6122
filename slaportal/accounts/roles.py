"""ACC-2: staff roles as groups, each with the permissions its work needs.

The groups are created by a data migration; their permissions are kept in step with
``ROLE_PERMISSIONS`` after every ``migrate`` (permissions of an app exist only once the
app is migrated). Each app adds the permissions of its own models here.
"""

from __future__ import annotations

from django.apps import apps as global_apps


class Role:
    ACCOUNT_MANAGERS = "Account managers"
    SUPPORT_ENGINEERS = "Support engineers"
    FINANCE = "Finance"

    ALL = (ACCOUNT_MANAGERS, SUPPORT_ENGINEERS, FINANCE)


def _crud(model: str, *verbs: str) -> list[str]:
    app_label, name = model.split(".")
    return [f"{app_label}.{verb}_{name}" for verb in verbs]


# role -> "app_label.codename" permissions. Money records and audit history are never
# deleted, so no role is given a delete permission on them.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ACCOUNT_MANAGERS: [
        *_crud("accounts.customer", "view", "add", "change"),
        *_crud("accounts.user", "view"),
    ],
    Role.SUPPORT_ENGINEERS: [
        *_crud("accounts.customer", "view"),
    ],
    Role.FINANCE: [
        *_crud("accounts.customer", "view"),
    ],
}


def sync_role_permissions(sender=None, apps=global_apps, using="default", **kwargs) -> None:
    """Give each role group exactly the permissions listed for it.

    Permissions not yet created (their app is not migrated yet) are skipped; the next
    ``migrate`` adds them. Connected to ``post_migrate``.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
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
