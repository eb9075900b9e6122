import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from slaportal import mail
from slaportal.accounts import services
from slaportal.accounts.models import User
from slaportal.accounts.roles import Role

STAFF = [
    ("admin@demo.slaportal.test", None, "Portal Administrator"),
    ("manager@demo.slaportal.test", Role.ACCOUNT_MANAGERS, "Olena Account-Manager"),
    ("manager2@demo.slaportal.test", Role.ACCOUNT_MANAGERS, "Mykola Account-Manager"),
    ("manager3@demo.slaportal.test", Role.ACCOUNT_MANAGERS, "Sofia Account-Manager"),
    ("support@demo.slaportal.test", Role.SUPPORT_ENGINEERS, "Taras Support-Engineer"),
    ("finance@demo.slaportal.test", Role.FINANCE, "Iryna Finance"),
]

# Development only (DEBUG): one fixed password per role, written in the README, so the
# demo can be signed into after the first run. In production every account gets a random
# password, printed once.
DEMO_PASSWORDS = {
    None: "Demo-Admin-Portal-26",
    Role.ACCOUNT_MANAGERS: "Demo-Manager-Portal-26",
    Role.SUPPORT_ENGINEERS: "Demo-Support-Portal-26",
    Role.FINANCE: "Demo-Finance-Portal-26",
    "customer": "Demo-Customer-Portal-26",
}


def demo_password(role) -> str:
    return DEMO_PASSWORDS[role] if settings.DEBUG else secrets.token_urlsafe(12)


def _set_password(user, password: str, hashes: dict[str, str]) -> None:
    """Accounts sharing a development password share its hash: one slow hash per
    password, not per account (random passwords are hashed each)."""
    if password not in hashes:
        hashes[password] = make_password(password)
    user.password = hashes[password]
    user.save(update_fields=["password"])


CUSTOMERS = [
    ("alice@acme.example", "Alice Novak", "Acme Help Desk Ltd", "+380441234567", False, True),
    ("bob@blogworks.example", "Bob Stone", "Blogworks", "+14155550123", True, False),
    ("carol@greenleaf.example", "Carol Diaz", "Greenleaf Foundation", "+442071234567", True, True),
]


class Command(BaseCommand):
    help = (
        "Load demo data: staff in every role, an administrator, about fifty customers and "
        "their tickets, orders, payments and refunds in every state. In development each "
        "role has the fixed password of the README (existing demo accounts are reset to "
        "it); elsewhere each new named account gets a random password, "
        "printed once. Running it again creates nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        made: list[tuple[str, str, str]] = []
        hashes: dict[str, str] = {}
        staff = {}
        for email, role, name in STAFF:
            existing = User.objects.filter(email__iexact=email).first()
            if existing:
                _keep_demo_password(existing, role)
                staff[email] = existing
                continue
            password = demo_password(role)
            if role is None:
                user = User.objects.create_superuser(email=email, password=None, full_name=name)
            else:
                user = services.staff_create(
                    email=email, password=None, role=role, full_name=name
                )
            _set_password(user, password, hashes)
            staff[email] = user
            made.append((role or "Superuser", email, password))
        managers = [staff[email] for email, role, _ in STAFF if role == Role.ACCOUNT_MANAGERS]
        manager = managers[0]
        for email, name, organisation, phone, cms, data in CUSTOMERS:
            existing = User.objects.filter(email__iexact=email).first()
            if existing:
                _keep_demo_password(existing, "customer")
                continue
            password = demo_password("customer")
            customer = services.customer_register(
                email=email,
                password=None,
                full_name=name,
                organisation=organisation,
                phone=phone,
                uses_cms_line=cms,
                uses_data_line=data,
            )
            _set_password(customer.user, password, hashes)
            if manager is not None:
                services.customer_assign_manager(customer=customer, manager=manager, actor=None)
            made.append(("Customer", email, password))
        from slaportal import demo_crowd
        from slaportal.demo import seed_orders

        orders_made = seed_orders(manager=manager)
        by_role = {role: staff[email] for email, role, _ in STAFF}
        with mail.batch():  # the demo's e-mails leave as one task after the commit
            crowd_made = demo_crowd.seed_crowd(
                managers=managers, engineer=by_role[Role.SUPPORT_ENGINEERS],
                finance=by_role[Role.FINANCE])
        for line in orders_made + crowd_made:
            self.stdout.write(f"  demo: {line}")
        if not crowd_made:
            demo_crowd.crowd_password_check()
            self.stdout.write("Demo data present already; nothing created.")
        if not made:
            self.stdout.write("Demo accounts present already; no account created.")
            return
        self.stdout.write(self.style.WARNING(
            "Demo accounts (the README's development passwords):" if settings.DEBUG
            else "Demo accounts (passwords are shown only now):"))
        for role, email, password in made:
            self.stdout.write(f"  {role:<18} {email:<32} {password}")


_CHECKED: set[tuple[str, str]] = set()  # (password, hash) pairs verified in this process


def _keep_demo_password(user, role) -> None:
    """In development, a demo account signs in with the README's password (accounts
    sharing a hash are checked once)."""
    if not settings.DEBUG or (DEMO_PASSWORDS[role], user.password) in _CHECKED:
        return
    if user.check_password(DEMO_PASSWORDS[role]):
        _CHECKED.add((DEMO_PASSWORDS[role], user.password))
    else:
        user.set_password(DEMO_PASSWORDS[role])
        user.save(update_fields=["password"])
