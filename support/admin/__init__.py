"""The support admin: the engineers' ticket queue and the managers' records."""

from . import records, tickets  # noqa: F401
