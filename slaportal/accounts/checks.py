"""Deployment checks of accounts (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def staff_second_factor(app_configs, **kwargs):
    """Staff can approve refunds and move deadlines: production asks them for a second
    factor unless that is switched off on purpose."""
    if settings.DEBUG or settings.STAFF_TWO_FACTOR_REQUIRED:
        return []
    return [Warning(
        "STAFF_TWO_FACTOR_REQUIRED is off: staff reach the admin with a password alone.",
        hint="Remove STAFF_TWO_FACTOR_REQUIRED=false from the environment.",
        id="accounts.W001",
    )]
