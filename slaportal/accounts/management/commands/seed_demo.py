import secrets

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

CUSTOMERS = [
    ("alice@acme.example", "Alice Novak", "Acme Help Desk Ltd", "+380441234567", False, True),
    ("bob@blogworks.example", "Bob Stone", "Blogworks", "+14155550123", True, False),
    ("carol@greenleaf.example", "Carol Diaz", "Greenleaf Foundation", "+442071234567", True, True),
]


class Command(BaseCommand):
    help = (
        "Load demo data: one user per staff role, an administrator and a few customers. "
        "Each new account gets a random password, printed once. Accounts that exist "
        "already are left as they are."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        made: list[tuple[str, str, str]] = []
        manager = None
        for email, role, name in STAFF:
            existing = User.objects.filter(email__iexact=email).first()
            if existing:
                manager = existing if role == Role.ACCOUNT_MANAGERS else manager
                continue
            password = secrets.token_urlsafe(12)
            if role is None:
                User.objects.create_superuser(email=email, password=password, full_name=name)
            else:
                user = services.staff_create(
                    email=email, password=password, role=role, full_name=name
                )
                manager = user if role == Role.ACCOUNT_MANAGERS else manager
            made.append((role or "Superuser", email, password))
        for email, name, organisation, phone, cms, data in CUSTOMERS:
            if User.objects.filter(email__iexact=email).exists():
                continue
            password = secrets.token_urlsafe(12)
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
        self.stdout.write(self.style.WARNING("Demo accounts (passwords are shown only now):"))
        for role, email, password in made:
            self.stdout.write(f"  {role:<18} {email:<32} {password}")
