from django import forms
from django.contrib.admin import helpers

from slaportal.accounts.choices import ProductLine
from support.choices import Channel, ExclusionReason, IntakeItem, TicketStatus


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 7}),
                           label="Public reply to the customer")
    wait_for_customer = forms.BooleanField(
        required=False, label="Wait for the customer after this reply (pauses the clock)"
    )
    close_after = forms.BooleanField(
        required=False, label="Resolve: close (CMS) / consider solved (data) after this reply"
    )

    def clean(self):
        data = super().clean()
        if data.get("wait_for_customer") and data.get("close_after"):
            raise forms.ValidationError("Either wait for the customer or resolve, not both.")
        return data


class NoteForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}),
                           label="Internal note (never shown to the customer)")


class ClarifyForm(forms.Form):
    item = forms.ChoiceField(choices=[("", "—"), *IntakeItem.choices], required=False,
                             label="Missing item")
    question = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}),
                               label="What the customer should send")


class CloseForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           label="Message to the customer (optional)")


class ConfirmForm(forms.Form):
    pass


class HoursForm(forms.Form):
    hours = forms.DecimalField(min_value=0.01, max_digits=6, decimal_places=2,
                               label="Hours spent (SUP-13)")
    note = forms.CharField(max_length=200, required=False)


class ExcludeForm(forms.Form):
    reason = forms.ChoiceField(choices=ExclusionReason.choices)
    note = forms.CharField(widget=forms.Textarea, required=False)


class StaffTicketForm(forms.Form):
    """SUP-1/SUP-2: staff open a ticket on a customer's behalf from any channel."""

    customer_email = forms.EmailField(label="Customer's account e-mail")
    line = forms.ChoiceField(choices=ProductLine.choices, label="Product line")
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.CHAT)
    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text="The customer's words, with any error message.")
    migration_id = forms.CharField(max_length=16, required=False, label="Migration ID")
    contact_email = forms.EmailField(required=False,
                                     help_text="Blank: the account's e-mail.")
    contact_phone = forms.CharField(max_length=32, required=False,
                                    help_text="International format (data line).")

    def clean_customer_email(self):
        from slaportal.accounts.models import Customer

        email = self.cleaned_data["customer_email"]
        customer = Customer.objects.filter(user__email__iexact=email).select_related(
            "user", "account_manager").first()
        if customer is None:
            raise forms.ValidationError(f"No customer signs in with {email}.")
        self.customer = customer
        return email


STAFF_STATUSES = [
    ("", "— status —"),
    (TicketStatus.WAITING_ON_CUSTOMER, "Waiting on customer (pause the clock)"),
    (TicketStatus.OPEN, "Open (resume the clock)"),
    ("final", "Closed (CMS) / considered solved (data)"),
    (TicketStatus.REOPENED, "Reopened (new response cycle)"),
]


class TicketActionForm(helpers.ActionForm):
    """The queue's bulk actions take an engineer or a status beside the action."""

    assignee = forms.ModelChoiceField(queryset=None, required=False, label="engineer",
                                      empty_label="— engineer —")
    new_status = forms.ChoiceField(choices=STAFF_STATUSES, required=False, label="status")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from slaportal.accounts.models import User

        self.fields["assignee"].queryset = User.objects.filter(
            is_staff=True, is_active=True).order_by("email")
