from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "slaportal.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (records every beat job's runs)
