"""Errors of the orders services: a clear message for the person (or engine) asking."""

from django.core.exceptions import ValidationError


class OrderError(ValidationError):
    """A rule refused the action; nothing was changed. ``str(exc.message)`` says why."""

    def __init__(self, message: str):
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.message)


class TransitionNotAllowed(OrderError):
    """The migration's status does not allow the move (transitions.py)."""


class MigrationStopped(TransitionNotAllowed):
    """ORD-17: a stopped migration takes no further action."""
