from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError

from . import services
from .models import Customer


class SignUpForm(forms.Form):
    """Customer sign-up (ACC-1). The service does the writing."""

    email = forms.EmailField(label="E-mail address", max_length=254)
    full_name = forms.CharField(label="Your name", max_length=150, required=False)
    organisation = forms.CharField(max_length=200, required=False)
    phone = forms.CharField(
        max_length=32,
        required=False,
        help_text="International format, e.g. +380 44 123 4567. Data-line support needs it.",
    )
    time_zone = forms.ChoiceField(
        label="Your time zone",
        initial="Europe/Kyiv",
        required=False,
        help_text="Deadlines are shown in Kyiv time with your time beside them.",
    )
    uses_cms_line = forms.BooleanField(label="Website (CMS) migrations", required=False)
    uses_data_line = forms.BooleanField(label="Help-desk and business data", required=False)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = sorted(zoneinfo.available_timezones())
        self.fields["time_zone"].choices = [(z, z) for z in zones]

    def clean_time_zone(self) -> str:
        return self.cleaned_data["time_zone"] or "Europe/Kyiv"

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean(self) -> dict:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            try:
                password_validation.validate_password(p1)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def save(self) -> Customer:
        data = self.cleaned_data
        try:
            return services.customer_register(
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                organisation=data["organisation"],
                phone=data["phone"],
                time_zone=data["time_zone"],
                uses_cms_line=data["uses_cms_line"],
                uses_data_line=data["uses_data_line"],
            )
        except ValidationError as exc:
            self.add_error(None, exc)
            raise


class PortalPasswordResetForm(PasswordResetForm):
    """The reset link points at SITE_URL (not at whatever Host the request named — behind
    a proxy, or forged) and the e-mail is signed with the portal's name."""

    def save(self, **kwargs):
        from urllib.parse import urlsplit

        from django.conf import settings

        site = urlsplit(settings.SITE_URL)
        kwargs.update(domain_override=site.netloc, use_https=site.scheme == "https")
        kwargs["extra_email_context"] = {**(kwargs.get("extra_email_context") or {}),
                                         "site_name": settings.SITE_NAME}
        return super().save(**kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        """In the portal's e-mail layout (HTML and text), after commit, from the worker."""
        from django.urls import reverse

        from .emails import password_reset

        path = reverse("password_reset_confirm",
                       kwargs={"uidb64": context["uid"], "token": context["token"]})
        password_reset(to_email=to_email, user=context["user"],
                       link=f"{context['protocol']}://{context['domain']}{path}")


class ProfileForm(forms.Form):
    """The customer's profile; ``customer_update_profile`` writes it."""

    full_name = forms.CharField(label="Your name", max_length=150, required=False)
    organisation = forms.CharField(max_length=200, required=False)
    phone = forms.CharField(max_length=32, required=False,
                            help_text="International format, e.g. +380 44 123 4567.")
    time_zone = forms.ChoiceField(
        label="Your time zone",
        help_text="Times on your pages are shown in it, with Kyiv time beside them where "
                  "the agreement counts in Kyiv time.")
    billing_name = forms.CharField(label="Billing name", max_length=200, required=False,
                                   help_text="The legal name on invoices; the organisation "
                                             "when empty.")
    billing_address = forms.CharField(label="Billing address", required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    country = forms.ChoiceField(label="Country", required=False)
    tax_id = forms.CharField(label="Tax ID", max_length=40, required=False,
                             help_text="VAT or other tax number, printed on invoices.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django_countries import countries

        self.fields["time_zone"].choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]
        self.fields["country"].choices = [("", "—"), *countries]

    @classmethod
    def for_customer(cls, customer, data=None):
        initial = {field: getattr(customer, field) for field in services.PROFILE_FIELDS
                   if field != "full_name"}
        initial["full_name"] = customer.user.full_name
        initial["country"] = customer.country.code or ""
        return cls(data, initial=initial)
