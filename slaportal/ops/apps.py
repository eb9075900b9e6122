from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "slaportal.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from slaportal import logs  # noqa: F401  (request IDs and client address in logs)

        from . import signals  # noqa: F401  (records every beat job's runs)
