"""Form helpers shared by the customer pages and the admin."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: each field's message beside that field,
    the rest (unknown fields, or a plain message) on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
