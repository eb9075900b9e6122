"""Writes on accounts: every change goes through these functions."""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from . import emails
from .models import Customer, User
from .roles import Role


def _email_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


DUPLICATE_EMAIL = "An account with this e-mail address already exists."


@transaction.atomic
def customer_register(
    *,
    email: str,
    password: str,
    full_name: str = "",
    organisation: str = "",
    phone: str = "",
    time_zone: str = "Europe/Kyiv",
    uses_cms_line: bool = False,
    uses_data_line: bool = False,
) -> Customer:
    """Create a customer account and its profile (ACC-1)."""
    if _email_taken(email):
        raise ValidationError({"email": DUPLICATE_EMAIL})
    if time_zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": f"{time_zone!r} is not a time zone, e.g. Europe/Kyiv."})
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, full_name=full_name)
    except IntegrityError as exc:  # a concurrent sign-up won the race
        raise ValidationError({"email": DUPLICATE_EMAIL}) from exc
    customer = Customer.objects.create(
        user=user,
        organisation=organisation,
        phone=phone,
        time_zone=time_zone,
        uses_cms_line=uses_cms_line,
        uses_data_line=uses_data_line,
    )
    emails.welcome(customer)
    return customer


@transaction.atomic
def staff_create(*, email: str, password: str | None, role: str, full_name: str = "") -> User:
    """Create a staff member in one of the roles of ACC-2."""
    if role not in Role.ALL:
        raise ValidationError({"role": f"Unknown role {role!r}; expected one of {Role.ALL}."})
    if _email_taken(email):
        raise ValidationError({"email": DUPLICATE_EMAIL})
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@transaction.atomic
def customer_assign_manager(*, customer: Customer, manager: User, actor: User | None) -> Customer:
    """Make a staff member the customer's account manager."""
    if not manager.is_staff:
        raise ValidationError({"account_manager": "An account manager must be a staff member."})
    customer.account_manager = manager
    customer._change_reason = f"account manager set by {actor or 'system'}"
    customer.save(update_fields=["account_manager"])
    return customer


PROFILE_FIELDS = ("full_name", "organisation", "phone", "time_zone", "billing_name",
                  "billing_address", "country", "tax_id")


@transaction.atomic
def customer_update_profile(*, customer: Customer, actor: User, **changes) -> Customer:
    """The customer's own details: name, organisation, phone, time zone (times on their
    pages are shown in it, Kyiv time beside it) and the billing details invoices copy.
    Only the listed fields; an unknown time zone changes nothing."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(f"Not a profile field: {', '.join(sorted(unknown))}.")
    zone = changes.get("time_zone")
    if zone is not None and zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": f"{zone!r} is not a time zone, e.g. Europe/Kyiv."})
    customer = Customer.objects.select_for_update().select_related("user").get(pk=customer.pk)
    if "full_name" in changes:
        customer.user.full_name = changes.pop("full_name").strip()
        customer.user.save(update_fields=["full_name"])
    for field, value in changes.items():
        setattr(customer, field, value.strip() if isinstance(value, str) else value)
    customer._change_reason = f"profile changed by {actor}"
    customer.full_clean(exclude=["user", "account_manager"])
    customer.save()
    return customer
