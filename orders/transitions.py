"""ORD-1/ORD-5/ORD-17: the allowed next states of a migration, per kind, as data.

``orders.services.migration_transition`` is the one place that enforces them.
"""

from __future__ import annotations

from .choices import MigrationKind as K
from .choices import MigrationStatus as S

TERMINAL = frozenset({S.ARCHIVED, S.STOPPED})

# Full, re- and delta migrations: paid work. ORD-17: any non-terminal state may stop.
_PAID_PATH: dict[str, frozenset[str]] = {
    S.QUOTED: frozenset({S.CONFIRMED, S.STOPPED}),
    S.CONFIRMED: frozenset({S.PAID, S.QUOTED, S.STOPPED}),
    # BIL-4: a cancelled payment makes the order payable again (→ confirmed).
    S.PAID: frozenset({S.ACCESS_VERIFIED, S.CONFIRMED, S.STOPPED}),
    S.ACCESS_VERIFIED: frozenset({S.RUNNING, S.CONFIRMED, S.STOPPED}),
    S.RUNNING: frozenset({S.PAUSED, S.COMPLETED, S.FAILED, S.STOPPED}),
    S.PAUSED: frozenset({S.RUNNING, S.STOPPED}),
    S.FAILED: frozenset({S.RUNNING, S.STOPPED}),
    # ORD-13: an insured restart runs the completed (or validated) migration again.
    S.COMPLETED: frozenset({S.VALIDATED, S.RUNNING, S.ARCHIVED, S.STOPPED}),
    S.VALIDATED: frozenset({S.ARCHIVED, S.RUNNING, S.STOPPED}),
    S.ARCHIVED: frozenset(),
    S.STOPPED: frozenset(),
}

# ORD-2: a free demo needs no payment: requested (quoted) → running → completed, then its
# data is removed (archived). A demo may fail and be restarted.
_DEMO_PATH: dict[str, frozenset[str]] = {
    S.QUOTED: frozenset({S.RUNNING, S.STOPPED}),
    S.RUNNING: frozenset({S.COMPLETED, S.FAILED, S.STOPPED}),
    S.FAILED: frozenset({S.RUNNING, S.STOPPED, S.ARCHIVED}),
    S.COMPLETED: frozenset({S.ARCHIVED, S.STOPPED}),
    S.ARCHIVED: frozenset(),
    S.STOPPED: frozenset(),
}

ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    K.FULL: _PAID_PATH,
    K.REMIGRATION: _PAID_PATH,
    K.DELTA: _PAID_PATH,
    K.DEMO: _DEMO_PATH,
}


def allowed_next(kind: str, status: str) -> frozenset[str]:
    return ALLOWED[kind].get(status, frozenset())
