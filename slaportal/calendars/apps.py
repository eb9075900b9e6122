from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "slaportal.calendars"
    label = "calendars"
    verbose_name = "Business calendars"
