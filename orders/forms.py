"""Customer forms of the orders pages: they parse input only; the services decide."""

from __future__ import annotations

from django import forms

from slaportal.accounts.choices import ProductLine
from slaportal.plans.models import SupportPlan

from .choices import AccessSide, AssistedTier, RemigrationReason
from .models import InsurancePlan, MigrationOption, Platform
from .models.core import PackageTier


class _LineAttrsMixin:
    """Each option carries its product line (``data-line``) so quote.js can filter the
    choices by line without another request."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-line"] = instance.line
        return option


class LineSelect(_LineAttrsMixin, forms.Select):
    pass


class LineCheckboxes(_LineAttrsMixin, forms.CheckboxSelectMultiple):
    pass


class OrderForm(forms.Form):
    """ORD-3 order wizard. Field names match the ``orders:quote-preview`` parameters."""

    line = forms.ChoiceField(label="Product line", choices=ProductLine.choices,
                             widget=forms.RadioSelect)
    source = forms.ModelChoiceField(
        label="Source platform", to_field_name="slug", widget=LineSelect,
        queryset=Platform.objects.filter(is_active=True, is_source=True),
    )
    target = forms.ModelChoiceField(
        label="Target platform", to_field_name="slug", widget=LineSelect,
        queryset=Platform.objects.filter(is_active=True, is_target=True),
    )
    records = forms.IntegerField(
        label="Number of records (data line) or pages (CMS)", min_value=1,
        max_value=100_000_000,
        help_text="Optional for a free demo: it migrates a limited sample (ORD-2).",
        required=False,
    )
    options = forms.ModelMultipleChoiceField(
        label="Options", required=False, widget=LineCheckboxes,
        queryset=MigrationOption.objects.filter(is_active=True),
    )
    plan = forms.ModelChoiceField(
        label="Support plan (data line)", to_field_name="code", required=False,
        widget=LineSelect, empty_label="— choose a plan —",
        queryset=SupportPlan.objects.filter(is_active=True, line=ProductLine.DATA)
        .order_by("priority_rank", "pk"),
    )
    package = forms.ChoiceField(
        label="Support Service Package (CMS)", required=False,
        choices=[("", "No package")] + list(PackageTier.choices),
    )
    assisted = forms.ChoiceField(
        label="Assisted Migration (CMS)", required=False,
        choices=[("", "No assisted migration")] + list(AssistedTier.choices),
    )
    insurance = forms.ModelChoiceField(
        label="Migration Insurance (CMS)", required=False, empty_label="No insurance",
        queryset=InsurancePlan.objects.filter(is_active=True),
    )

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["options"].label_from_instance = lambda o: f"{o.name} (+{o.price})"
        self.fields["plan"].label_from_instance = lambda p: f"{p.name.title()} ({p.price})"
        lines = customer.product_lines if customer is not None else []
        if len(lines) == 1 and not self.is_bound:
            self.initial.setdefault("line", lines[0])
        line = self.data.get("line") if self.is_bound else self.initial.get("line")
        if line in ProductLine.values:
            # Without JavaScript, the choices follow the line of the last submit.
            for name in ("source", "target", "options", "plan"):
                field = self.fields[name]
                field.queryset = field.queryset.filter(line=line)

    def clean(self):
        data = super().clean()
        line = data.get("line")
        for name in ("source", "target"):
            platform = data.get(name)
            if platform is not None and line and platform.line != line:
                self.add_error(name, "Choose a platform of the chosen product line.")
        if data.get("source") and data.get("source") == data.get("target"):
            self.add_error("target", "The target must differ from the source.")
        if line == ProductLine.CMS:
            data["plan"] = None
        else:
            data["package"] = data["assisted"] = ""
            data["insurance"] = None
        return data

    def quote_kwargs(self) -> dict:
        """The cleaned choices as keyword arguments of quote_preview / quote_build."""
        data = self.cleaned_data
        return {
            "line": data["line"], "source": data["source"], "target": data["target"],
            "record_count": data.get("records") or 0,
            "options": list(data.get("options") or []),
            "support_plan": data.get("plan"), "insurance": data.get("insurance"),
            "package_tier": data.get("package") or None,
            "assisted_tier": data.get("assisted") or None,
        }


class RemigrationForm(forms.Form):
    """ORD-7: a reason and the explicit confirmation of the target's removal."""

    reason = forms.ChoiceField(label="Reason for the re-migration",
                               choices=RemigrationReason.choices)
    confirm_removal = forms.BooleanField(
        label="I understand that everything previously migrated to the target, including "
        "my changes there, will be removed", required=False,
    )

    def clean_confirm_removal(self):
        if not self.cleaned_data.get("confirm_removal"):
            raise forms.ValidationError(
                "Tick the confirmation: the re-migration first removes everything migrated "
                "to the target before, with your changes there (ORD-7)."
            )
        return True


class DeltaForm(forms.Form):
    """ORD-8: nothing to enter; the form carries the CSRF token and the button."""


class CustomWorkForm(forms.Form):
    description = forms.CharField(
        label="Describe the custom work you need", min_length=10, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="We gather the requirements with you, estimate the work and send a quote "
        "with a timeframe. Custom work is paid in advance and is not refundable.",
    )


class CustomWorkRequestForm(CustomWorkForm):
    """ORD-10 from the custom work page: about one of the customer's migrations, or none."""

    migration = forms.ModelChoiceField(
        queryset=None, required=False, label="About the migration (optional)",
        empty_label="No particular migration", to_field_name="migration_id")

    field_order = ["migration", "description"]

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Migration

        self.fields["migration"].queryset = (
            Migration.objects.filter(customer=customer).exclude(status="stopped")
            .order_by("-created_at"))


class AccessDetailForm(forms.Form):
    """ORD-14: credentials are stored encrypted and never shown back."""

    side = forms.ChoiceField(label="Platform", choices=AccessSide.choices)
    url = forms.URLField(label="Platform URL", max_length=300, required=False,
                          assume_scheme="https")
    secret = forms.CharField(
        label="Credentials (password, API token or key)", max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted; only the last four characters are shown back.",
    )


class FullFromDemoForm(forms.Form):
    """ORD-2: order the full migration from a demo (same platforms)."""

    records = forms.IntegerField(label="Number of records (or pages) to migrate",
                                 min_value=1, max_value=100_000_000)
    plan = forms.ModelChoiceField(
        label="Support plan (data line)", to_field_name="code", required=False,
        empty_label="— choose a plan —",
        queryset=SupportPlan.objects.filter(is_active=True, line=ProductLine.DATA)
        .order_by("priority_rank", "pk"),
    )

    def __init__(self, *args, line: str = ProductLine.DATA, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        if line == ProductLine.CMS:
            del self.fields["plan"]
        else:
            self.fields["plan"].required = True


class NonProfitForm(forms.Form):
    """ORD-16: non-profit application (CMS line)."""

    organisation = forms.CharField(label="Organisation name", max_length=200)
    evidence = forms.CharField(
        label="Evidence of non-profit status", max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Registration number, website, documents.",
    )
