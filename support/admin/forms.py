from django import forms

from support.choices import ExclusionReason, IntakeItem


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea, label="Public reply to the customer")
    wait_for_customer = forms.BooleanField(
        required=False, label="Wait for the customer after this reply (pauses the clock)"
    )


class NoteForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea, label="Internal note (never shown)")


class ClarifyForm(forms.Form):
    item = forms.ChoiceField(choices=[("", "—"), *IntakeItem.choices], required=False)
    question = forms.CharField(widget=forms.Textarea, label="What the customer should send")


class CloseForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea, required=False,
                           label="Message to the customer (optional)")


class ConfirmForm(forms.Form):
    pass


class ExcludeForm(forms.Form):
    reason = forms.ChoiceField(choices=ExclusionReason.choices)
    note = forms.CharField(widget=forms.Textarea, required=False)
