"""Users (ACC-1: e-mail login) and customer profiles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    Group,
    PermissionsMixin,
)
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history import register
from simple_history.models import HistoricalRecords

from .choices import NonProfitStatus, ProductLine


class UserManager(BaseUserManager["User"]):
    """Finds users by e-mail in any letter case (ACC-1)."""

    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)

    def _create(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).strip(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"], validate_unique=False)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a customer or a member of staff.

    The e-mail address is the login and is unique whatever its letter case; the
    database enforces that with a unique index on ``lower(email)``.
    """

    email = models.EmailField(
        "e-mail address",
        max_length=254,
        unique=True,
        error_messages={"unique": "An account with this e-mail address already exists."},
    )
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Staff reach the admin; customers never do."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(m2m_fields=[PermissionsMixin.groups.field])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="An account with this e-mail address already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_customer(self) -> bool:
        return hasattr(self, "customer")


class Customer(models.Model):
    """The organisation behind a customer account (ACC-1)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    organisation = models.CharField(max_length=200, blank=True)
    phone = models.CharField(
        max_length=32, blank=True, help_text="International format, e.g. +380 44 123 4567."
    )
    uses_cms_line = models.BooleanField("CMS line", default=False)
    uses_data_line = models.BooleanField("Data line", default=False)
    time_zone = models.CharField(
        max_length=64,
        default="Europe/Kyiv",
        help_text="Deadlines are shown in Kyiv time with this zone beside them.",
    )
    nonprofit_status = models.CharField(
        "non-profit status",
        max_length=16,
        choices=NonProfitStatus.choices,
        default=NonProfitStatus.NONE,
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_customers",
        limit_choices_to={"is_staff": True},
    )
    # The buyer on invoices and credit notes (BIL-2, BIL-6), kept by the customer on
    # their profile; a document copies them when it is issued.
    billing_name = models.CharField(
        "billing name", max_length=200, blank=True,
        help_text="The legal name on invoices; the organisation when empty.")
    billing_address = models.TextField("billing address", blank=True)
    country = CountryField(blank=True, help_text="Where the organisation is based.")
    tax_id = models.CharField("tax ID", max_length=40, blank=True,
                              help_text="VAT or other tax number, printed on invoices.")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__email"]

    def __str__(self) -> str:
        return self.organisation or self.user.email

    @property
    def greeting(self) -> str:
        """How e-mails address the customer: "Hello <greeting>,"."""
        return self.user.full_name or self.organisation or "there"

    @property
    def product_lines(self) -> list[str]:
        lines = []
        if self.uses_cms_line:
            lines.append(ProductLine.CMS)
        if self.uses_data_line:
            lines.append(ProductLine.DATA)
        return lines


# ACC-2: changes to the roles (groups and their permissions) are audited as well.
register(Group, app="slaportal.accounts", m2m_fields=[Group.permissions.field])
