from django.db import models


class ProductLine(models.TextChoices):
    """The vendor's two product lines, each under its own SLA."""

    CMS = "cms", "CMS line"
    DATA = "data", "Data line"


class NonProfitStatus(models.TextChoices):
    """ORD-16: where an organisation stands in the non-profit programme."""

    NONE = "none", "Not applied"
    PENDING = "pending", "Application under review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
