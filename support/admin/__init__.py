"""The support admin: the engineers' ticket queue and the managers' records."""

from . import panels, records, tickets  # noqa: F401
