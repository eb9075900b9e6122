from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms

from . import engine
from .durations import BUSINESS_HOURS, UNITS, deadline_after
from .models import OpeningRange, format_minute


class MinuteField(forms.Field):
    """A time of day typed as HH:MM; 24:00 is the end of the day (CAL-6)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 5, "placeholder": "HH:MM"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return format_minute(value)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return engine.parse_minutes(str(value).strip())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class OpeningRangeForm(forms.ModelForm):
    start_minute = MinuteField(label="Opens")
    end_minute = MinuteField(label="Closes", help_text="24:00 for midnight at the end of the day.")

    class Meta:
        model = OpeningRange
        fields = ["weekday", "start_minute", "end_minute"]


class DeadlineCalculatorForm(forms.Form):
    """Start + duration -> deadline, for "when is it due?" (CAL-7)."""

    start = forms.DateTimeField(
        label="Start (in the calendar's time zone)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    amount = forms.IntegerField(min_value=0, max_value=100_000)
    unit = forms.ChoiceField(choices=list(UNITS.items()), initial=BUSINESS_HOURS)

    def __init__(self, *args, zone: str, **kwargs):
        self.zone = zoneinfo.ZoneInfo(zone)
        super().__init__(*args, **kwargs)

    def clean_start(self) -> dt.datetime:
        start = self.cleaned_data["start"]
        # The admin's form machinery makes the value aware in TIME_ZONE; the calendar may
        # be in another zone, so take the wall-clock reading in the calendar's zone.
        return start.replace(tzinfo=None).replace(tzinfo=self.zone)

    def deadline(self, calendar: engine.BusinessCalendar) -> dt.datetime:
        data = self.cleaned_data
        return deadline_after(calendar, data["start"], data["amount"], data["unit"])


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=1995, max_value=2100)
