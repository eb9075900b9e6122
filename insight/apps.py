from django.apps import AppConfig


class InsightConfig(AppConfig):
    """How the SLA is being kept: the staff dashboard, monthly statements, exports and
    the deadline explainer. Reads what orders, support and billing record."""

    name = "insight"
    verbose_name = "SLA insight"
