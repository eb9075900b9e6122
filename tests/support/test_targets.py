"""The target ledger and the monthly compliance rollup (SUP-5, SUP-6, SUP-8), counted by
hand over one November 2025 on data-standard and data-extended."""

import pytest

from support.choices import Metric
from support.models import Breach, SlaMonthlyFigure, SlaTarget
from support.services import (
    breach_exclude,
    sla_monthly_refresh,
    sla_sweep,
    ticket_reply,
)

from .conftest import kyiv

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(open_ticket, engineer):
    """T1 standard: first response met, an update met, the next update missed then
    answered late. T2 premium: first response missed, its breach excluded. T3 forum:
    no target at all."""
    t1 = open_ticket("standard", now=kyiv(2025, 11, 17, 9))
    ticket_reply(ticket=t1, actor=engineer, body="On it", now=kyiv(2025, 11, 17, 10))
    ticket_reply(ticket=t1, actor=engineer, body="Update", now=kyiv(2025, 11, 18, 9))
    t2 = open_ticket("premium", now=kyiv(2025, 11, 17, 9))  # due Tue 17:00
    open_ticket("standard", now=kyiv(2025, 11, 17, 9), channel="forum")
    sla_sweep(now=kyiv(2025, 11, 19, 10))  # T1's update (Wed 09:00) and T2 missed
    ticket_reply(ticket=t1, actor=engineer, body="Late update", now=kyiv(2025, 11, 19, 11))
    breach_exclude(breach=Breach.objects.get(ticket=t2), actor=engineer,
                   reason="config_changed")
    return t1, t2


def test_each_target_that_came_due_or_was_answered_is_one_row(november):
    t1, t2 = november
    rows = list(SlaTarget.objects.order_by("ticket_id", "due_at").values_list(
        "ticket_id", "metric", "due_at", "met_at", "missed", "excluded"))
    assert rows == [
        (t1.pk, Metric.UPDATE, kyiv(2025, 11, 18, 10), kyiv(2025, 11, 18, 9), False, False),
        (t1.pk, Metric.UPDATE, kyiv(2025, 11, 19, 9), kyiv(2025, 11, 19, 11), True, False),
        (t1.pk, Metric.FIRST_RESPONSE, kyiv(2025, 11, 19, 15), kyiv(2025, 11, 17, 10),
         False, False),
        (t2.pk, Metric.FIRST_RESPONSE, kyiv(2025, 11, 18, 17), None, True, True),
    ]
    # Every missed row has its breach, and only those.
    assert Breach.objects.count() == 2


def test_the_monthly_rollup_counts_met_missed_and_excluded(november, engineer):
    assert sla_monthly_refresh(now=kyiv(2025, 11, 30, 12)) == 3
    by = {(f.metric, f.plan.code): (f.targets, f.met, f.missed, f.excluded)
          for f in SlaMonthlyFigure.objects.select_related("plan")}
    assert by == {
        (Metric.FIRST_RESPONSE, "standard"): (1, 1, 0, 0),
        (Metric.UPDATE, "standard"): (2, 1, 1, 0),
        (Metric.FIRST_RESPONSE, "premium"): (1, 0, 0, 1),
    }
    assert set(SlaMonthlyFigure.objects.values_list("assignee_id", flat=True)) == {
        engineer.pk, None}
    # Idempotent: a second refresh writes the same figures, not twice as many.
    assert sla_monthly_refresh(now=kyiv(2025, 11, 30, 13)) == 3
    assert SlaMonthlyFigure.objects.count() == 3
