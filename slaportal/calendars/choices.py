from django.db import models


class HolidayPolicy(models.TextChoices):
    """CAL-3: which Ukrainian holidays close a calendar."""

    STATUTORY = "statutory", "Statutory (the law as in force)"
    TRADITIONAL = "traditional", "Traditional (also the holidays suspended by martial law)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"
