"""Deployment checks of billing (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def ipn_sender_allowlist(app_configs, **kwargs):
    """BIL-2: in production the IPN endpoint should hear only PayPro Global's addresses
    (the signature protects it either way); an empty list must be a decision."""
    if settings.DEBUG or settings.PAYPRO_IPN_ALLOWED_IPS or settings.PAYPRO_IPN_ANY_ADDRESS:
        return []
    return [Warning(
        "PAYPRO_IPN_ALLOWED_IPS is empty: payment notifications are accepted from any "
        "address (still verified by their signature).",
        hint="Set PAYPRO_IPN_ALLOWED_IPS to PayPro Global's IPN addresses (and "
        "TRUSTED_PROXY_COUNT behind a proxy), or PAYPRO_IPN_ANY_ADDRESS=true to rely on "
        "the signature alone.",
        id="billing.W001",
    )]
