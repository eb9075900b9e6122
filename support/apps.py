from django.apps import AppConfig


class SupportConfig(AppConfig):
    verbose_name = "Support"
    name = "support"
