import secrets

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from slaportal.accounts import services
from slaportal.accounts.models import User
from slaportal.accounts.roles import Role

STAFF = [
    ("admin@demo.slaportal.test", None, "Portal Administrator"),
    ("manager@demo.slaportal.test", Role.ACCOUNT_MANAGERS, "Olena Account-Manager"),
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


CUSTOMERS = [
    ("alice@acme.example", "Alice Novak", "Acme Help Desk Ltd", "+380441234567", False, True),
    ("bob@blogworks.example", "Bob Stone", "Blogworks", "+14155550123", True, False),
    ("carol@greenleaf.example", "Carol Diaz", "Greenleaf Foundation", "+442071234567", True, True),
]


class Command(BaseCommand):
    help = (
        "Load demo data: one user per staff role, an administrator and a few customers. "
        "In development each role has the fixed password of the README (existing demo "
        "accounts are reset to it); elsewhere each new account gets a random password, "
        "printed once. Running it again changes nothing else."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        made: list[tuple[str, str, str]] = []
        manager = None
        for email, role, name in STAFF:
            existing = User.objects.filter(email__iexact=email).first()
            if existing:
                manager = existing if role == Role.ACCOUNT_MANAGERS else manager
                _keep_demo_password(existing, role)
                continue
            password = demo_password(role)
            if role is None:
                User.objects.create_superuser(email=email, password=password, full_name=name)
            else:
                user = services.staff_create(
                    email=email, password=password, role=role, full_name=name
                )
                manager = user if role == Role.ACCOUNT_MANAGERS else manager
            made.append((role or "Superuser", email, password))
        for email, name, organisation, phone, cms, data in CUSTOMERS:
            existing = User.objects.filter(email__iexact=email).first()
            if existing:
                _keep_demo_password(existing, "customer")
                continue
            password = demo_password("customer")
            customer = services.customer_register(
                email=email,
                password=password,
                full_name=name,
                organisation=organisation,
                phone=phone,
                uses_cms_line=cms,
                uses_data_line=data,
            )
            if manager is not None:
                services.customer_assign_manager(customer=customer, manager=manager, actor=None)
            made.append(("Customer", email, password))
        from slaportal.demo import seed_orders

        if manager is None:
            manager = User.objects.filter(email__iexact=STAFF[1][0]).first()
        orders_made = seed_orders(manager=manager)
        for line in orders_made:
            self.stdout.write(f"  demo: {line}")
        if not made:
            self.stdout.write("Demo accounts present already; no account created.")
            return
        self.stdout.write(self.style.WARNING(
            "Demo accounts (the README's development passwords):" if settings.DEBUG
            else "Demo accounts (passwords are shown only now):"))
        for role, email, password in made:
            self.stdout.write(f"  {role:<18} {email:<32} {password}")


def _keep_demo_password(user, role) -> None:
    """In development, a demo account signs in with the README's password."""
    if settings.DEBUG and not user.check_password(DEMO_PASSWORDS[role]):
        user.set_password(DEMO_PASSWORDS[role])
        user.save(update_fields=["password"])
