"""The welcome e-mail a new customer gets on sign-up (ACC-1)."""

from __future__ import annotations

from django.urls import reverse

from slaportal import mail


def welcome(customer) -> None:
    mail.send_kind("accounts/welcome", to=[customer.user.email], context={
        "name": customer.greeting,
        "email": customer.user.email, "time_zone": customer.time_zone,
        "link": reverse("home"), "link_label": "Go to your home page"})


def password_reset(*, to_email: str, user, link: str) -> None:
    mail.send_kind("accounts/password_reset", to=[to_email], context={
        "name": user.full_name or "there", "email": user.email, "link": link,
        "link_label": "Choose a new password"})


mail.kind("accounts/password_reset", title="Password reset",
          subject=lambda c: f"Reset your {c['site_name']} password",
          demo=lambda: {"name": "Alice Novak", "email": "alice@acme.example",
                        "link": "/accounts/reset/MQ/set-password/",
                        "link_label": "Choose a new password"})
mail.kind("accounts/welcome", title="Welcome after sign-up",
          subject=lambda c: f"Welcome to {c['site_name']}",
          demo=lambda: {"name": "Alice Novak", "email": "alice@acme.example",
                        "time_zone": "Europe/Warsaw", "link": "/",
                        "link_label": "Go to your home page"})
