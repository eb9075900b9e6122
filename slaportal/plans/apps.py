from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "slaportal.plans"
    label = "plans"
    verbose_name = "Support plans"
