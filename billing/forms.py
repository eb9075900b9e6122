"""Forms of billing: the customer's refund request (BIL-8) and finance's admin forms."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django_countries import countries

from orders.models import Migration

from .choices import PaymentMethod, RefundReason


class RefundRequestForm(forms.Form):
    """BIL-8: what the customer tells us. The customer pages render it and pass
    ``cleaned_data`` to ``billing.services.refund_request_submit``."""

    migration = forms.ModelChoiceField(
        queryset=Migration.objects.none(), label="Order (Migration ID)",
        to_field_name="migration_id",
    )
    reason = forms.ChoiceField(choices=RefundReason.choices, label="Reason")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What went wrong, with any error message.",
    )
    problem_first_reported_at = forms.DateTimeField(
        required=False, label="When you first reported the problem",
        help_text="Needed for a data-corruption refund.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customer is not None:  # ACC-3: only the customer's own orders
            self.fields["migration"].queryset = Migration.objects.filter(customer=customer)
            # The time is read in the customer's own zone (their profile), as they see it.
            self.zone_name = customer.time_zone or "Europe/Kyiv"
            self.fields["problem_first_reported_at"].label = (
                f"When you first reported the problem (your time, {self.zone_name})")

    def clean_problem_first_reported_at(self):
        value = self.cleaned_data.get("problem_first_reported_at")
        zone_name = getattr(self, "zone_name", None)
        if value is None or zone_name is None:
            return value
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            return value
        # Django read the wall-clock time in Kyiv time: read the same wall clock in the
        # customer's zone instead.
        wall = timezone.localtime(value).replace(tzinfo=None)
        return timezone.make_aware(wall, zone)

    def clean(self):
        data = super().clean()
        first = data.get("problem_first_reported_at")
        if data.get("reason") == RefundReason.DATA_CORRUPTION and not first:
            self.add_error("problem_first_reported_at",
                           "Give the date you first reported the problem.")
        if first and first > timezone.now():
            self.add_error("problem_first_reported_at", "This date is in the future.")
        return data


class RefundApproveForm(forms.Form):
    amount_usd = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, label="Amount (USD)",
        help_text="At most the computed cap; leave the cap to refund it in full.",
    )


class RefundDenyForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                             label="Reason (sent to the customer)")


class PayoutForm(forms.Form):
    provider_reference = forms.CharField(max_length=80, label="Provider reference")


class PeriodForm(forms.Form):
    """CSV export of payments and refunds for a period (dates in Kyiv time)."""

    date_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError("The period ends before it starts.")
        return data

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.cleaned_data["date_from"], dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(
            self.cleaned_data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz
        )
        return start, end


# Customer pages (issue 7).

class ConfirmOrderForm(forms.Form):
    """ORD-4/BIL-7: the Confirm Migration step; one discount code, optional."""

    discount_code = forms.CharField(
        max_length=40, required=False, label="Discount code",
        help_text="Applies to the migration price only, not to options, plans or packages.",
    )


class BookingPayForm(forms.Form):
    """SUP-11: weekend support is paid online, by card or PayPal (no wire transfer)."""

    method = forms.ChoiceField(
        choices=[(PaymentMethod.CARD, PaymentMethod.CARD.label),
                 (PaymentMethod.PAYPAL, PaymentMethod.PAYPAL.label)],
        widget=forms.RadioSelect, label="Payment method", initial=PaymentMethod.CARD,
    )


class CountryField(forms.ChoiceField):
    """BIL-6: an ISO 3166 country from the list (a code typed in any case is accepted)."""

    def __init__(self, **kwargs):
        super().__init__(choices=[("", "Choose your country"), *countries], **kwargs)

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class PayForm(forms.Form):
    """BIL-2/BIL-3/BIL-6: how the customer pays the confirmed order."""

    method = forms.ChoiceField(
        # NO_CHARGE is recorded by the portal for a fully discounted order, never chosen.
        choices=[(m.value, m.label) for m in PaymentMethod if m != PaymentMethod.NO_CHARGE],
        widget=forms.RadioSelect, label="Payment method", initial=PaymentMethod.CARD,
    )
    currency = forms.ChoiceField(choices=[("USD", "USD")], initial="USD", label="Currency")
    country = CountryField(
        label="Billing country",
        help_text="Taxes are added for your country (none for the United States).",
        error_messages={
            "required": "Choose your billing country: the tax depends on it (BIL-6).",
            "invalid_choice": "Choose your billing country from the list (e.g. DE for "
            "Germany).",
        },
    )

    def __init__(self, *args, currencies: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        codes = ["USD", *sorted(c for c in (currencies or []) if c != "USD")]
        self.fields["currency"].choices = [(c, c) for c in codes]



class DataDeletionForm(forms.Form):
    """BIL-13: the customer's statement after a full refund."""

    confirm = forms.BooleanField(
        required=True,
        label="I confirm I have deleted all migrated data (images, database dumps, "
              "CSV/XML files, backups)",
    )
