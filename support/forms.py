"""Forms of the customers' support pages (issue 7). They parse input; services write."""

from __future__ import annotations

from django import forms

from orders.models import Migration
from slaportal.accounts.choices import ProductLine

from .choices import IntakeItem
from .intake import intake_checks
from .selectors import support_settings

# SUP-2: which form field answers which intake item.
ITEM_FIELD = {
    IntakeItem.MIGRATION_ID: "migration_id",
    IntakeItem.PHONE: "phone",
    IntakeItem.DESCRIPTION: "description",
}

UNKNOWN_MIGRATION = "There is no migration with this ID on your account for this product line."


def customer_lines(customer) -> list[str]:
    """The product lines a customer uses; both when the profile names none."""
    lines = []
    if customer.uses_cms_line:
        lines.append(ProductLine.CMS)
    if customer.uses_data_line:
        lines.append(ProductLine.DATA)
    return lines or [ProductLine.CMS, ProductLine.DATA]


class TicketForm(forms.Form):
    """SUP-2 intake on the web form: every missing item is answered inline."""

    line = forms.ChoiceField(label="Product line", choices=ProductLine.choices)
    migration_id = forms.CharField(
        label="Migration ID", required=False, max_length=32,
        help_text="Required on the CMS line: the ID shown on your migration.",
    )
    phone = forms.CharField(
        label="Phone number", required=False, max_length=32,
        help_text="Required on the data line, international format, e.g. +380 44 123 4567.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    subject = forms.CharField(label="Subject", max_length=200)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.migration = None
        self.min_length = support_settings().description_min_length
        lines = customer_lines(customer)
        self.fields["line"].choices = [c for c in ProductLine.choices if c[0] in lines]
        if len(lines) == 1:
            self.fields["line"].initial = lines[0]
        self.fields["phone"].initial = customer.phone
        self.fields["description"].help_text = (
            f"Describe the problem clearly, including any error message "
            f"(at least {self.min_length} characters)."
        )

    def clean(self):
        data = super().clean()
        line = data.get("line")
        if not line:
            return data
        migration_id = (data.get("migration_id") or "").strip()
        if migration_id:
            # ACC-3: only the customer's own migrations; one message whatever the reason.
            self.migration = Migration.objects.filter(
                customer=self.customer, line=line, migration_id__iexact=migration_id
            ).first()
            if self.migration is None:
                self.add_error("migration_id", UNKNOWN_MIGRATION)
                return data
        checks = intake_checks(
            line=line,
            account_email=self.customer.user.email,
            contact_email=self.customer.user.email,  # the web form is the signed-in account
            has_migration=self.migration is not None,
            phone=data.get("phone") or "",
            description=self.data.get("description", ""),
            description_min_length=self.min_length,
        )
        for check in checks:
            field = ITEM_FIELD.get(check.item)
            if not check.ok and field and field not in self.errors:
                self.add_error(field, check.message)
        return data


class MessageForm(forms.Form):
    """A customer message on a ticket: a reply or the answer to a clarification."""

    body = forms.CharField(label="Your message", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, label: str = "Your message", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = label


class WeekendBookingForm(forms.Form):
    """SUP-11: a weekend day and the hours wanted (at least the minimum)."""

    day = forms.DateField(
        label="Saturday or Sunday", widget=forms.DateInput(attrs={"type": "date"})
    )
    hours = forms.DecimalField(label="Hours", max_digits=5, decimal_places=2)

    def __init__(self, *args, min_hours: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"] = forms.DecimalField(
            label="Hours", max_digits=5, decimal_places=2, min_value=min_hours,
            help_text=f"At least {min_hours} hours (SUP-11).",
            error_messages={
                "min_value": f"Book at least {min_hours} hours of weekend support (SUP-11)."
            },
            widget=forms.NumberInput(attrs={"step": "0.5"}),
        )
