import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from djmoney.money import Money

from billing import services
from billing.choices import PaymentStatus, RefundKind, RefundReason, RefundRequestStatus
from billing.eligibility import evaluate, resolution_deadline
from billing.forms import RefundRequestForm
from billing.models import CreditNote, DataDeletionConfirmation, ImmutableRecordError, Refund
from orders.choices import MigrationStatus
from slaportal.calendars.models import BusinessCalendar, Closure
from slaportal.calendars.services import closure_save
from tests.factories import StaffFactory
from tests.factories.billing import PaymentFactory, RefundRequestFactory, priced_migration

pytestmark = pytest.mark.django_db
UTC = dt.UTC
PAID_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=UTC)  # 18 days after the payment
KYIV = dt.timezone(dt.timedelta(hours=2))  # March 2026 before the DST change


def paid_migration(lines=None, *, line="data", started=True, amount="1000.00", **fields):
    m = priced_migration(lines or {"migration": amount}, line=line,
                         status=MigrationStatus.RUNNING if started else MigrationStatus.PAID,
                         paid_at=PAID_AT,
                         started_at=PAID_AT + dt.timedelta(days=1) if started else None,
                         **fields)
    total = sum(Decimal(v) for v in (lines or {"migration": amount}).values())
    PaymentFactory(migration=m, net_usd=total, amount=Money(total, "USD"),
                   transaction_at=PAID_AT)
    return m


def corruption_request(m, **facts):
    defaults = {"vendor_fault": True, "engineer_verified_at": PAID_AT + dt.timedelta(days=9),
                "problem_first_reported_at": PAID_AT + dt.timedelta(days=8)}
    return RefundRequestFactory(migration=m, reason=RefundReason.DATA_CORRUPTION,
                                **{**defaults, **facts})


def not_used_request(m, **facts):
    return RefundRequestFactory(migration=m, reason=RefundReason.NOT_USED,
                                problem_first_reported_at=None, **facts)


def failed_rules(result):
    return {(r.rule, r.label) for r in result.rules if not r.passed}


# BIL-8: the form and the evaluation ----------------------------------------------

def test_refund_form_lists_only_the_customers_orders_and_needs_the_first_report():
    """BIL-8/ACC-3: the customer's own orders; a corruption claim needs its date."""
    mine = paid_migration()
    other = paid_migration()
    form = RefundRequestForm(customer=mine.customer, data={
        "migration": other.migration_id, "reason": RefundReason.DATA_CORRUPTION,
        "description": "Broken", "problem_first_reported_at": ""})
    assert not form.is_valid()
    assert "migration" in form.errors and "problem_first_reported_at" in form.errors
    form = RefundRequestForm(customer=mine.customer, data={
        "migration": mine.migration_id, "reason": RefundReason.DATA_CORRUPTION,
        "description": "Broken", "problem_first_reported_at": "2026-03-10T12:00"})
    assert form.is_valid(), form.errors
    request = services.refund_request_submit(customer=mine.customer, actor=mine.customer.user,
                                             now=NOW, **form.cleaned_data)
    assert request.status == RefundRequestStatus.SUBMITTED
    assert request.eligibility_summary  # evaluated at once for the queue


def test_refund_request_for_someone_elses_order_is_refused():
    """BIL-8/ACC-3: a customer requests refunds for their own orders only."""
    mine, other = paid_migration(), paid_migration()
    with pytest.raises(ValidationError, match="your own orders"):
        services.refund_request_submit(customer=mine.customer, migration=other,
                                       reason=RefundReason.NOT_USED, description="x",
                                       problem_first_reported_at=None, actor=None, now=NOW)


def test_every_rule_is_listed_with_its_id_and_result():
    """BIL-8: the evaluation lists each rule with pass/fail and the rule ID."""
    result = evaluate(corruption_request(paid_migration()), now=NOW)
    rules = {r.rule for r in result.rules}
    assert {"BIL-9", "BIL-11", "BIL-12"} <= rules
    assert result.eligible, failed_rules(result)
    assert result.summary == "BIL-9 ✓ · BIL-11 ✓ · BIL-12 ✓"


# BIL-9: partial refund --------------------------------------------------------------

def test_partial_refund_capped_at_30_percent_of_the_migration_price():
    """BIL-9: up to 30% of the migration price (not of options or plans)."""
    m = paid_migration({"migration": "1000.00", "support_plan": "500.00"})
    result = evaluate(corruption_request(m), now=NOW)
    assert result.kind == RefundKind.PARTIAL
    assert result.amount_usd == Decimal("300.00")


@pytest.mark.parametrize(("facts", "label"), [
    ({"vendor_fault": False}, "The data corruption is the vendor's fault"),
    ({"engineer_verified_at": None}, "An engineer verified it"),
    ({"platform_limitation": True}, "Not a platform limitation or outside the vendor's control"),
])
def test_partial_refund_needs_every_condition(facts, label):
    """BIL-9: vendor's fault, verified by an engineer, not a platform limitation."""
    result = evaluate(corruption_request(paid_migration(), **facts), now=NOW)
    assert not result.eligible
    assert failed_rules(result) == {("BIL-9", label)}


def _cms_report_on_friday():
    # Friday 13 March 2026, 14:00 Kyiv, on cms-tech (Mon–Fri 11:00–19:00).
    return dt.datetime(2026, 3, 13, 14, 0, tzinfo=KYIV)


def test_72_hours_are_3_business_days_on_the_lines_calendar():
    """BIL-9: a Friday report is due the next Wednesday at the same time (cms-tech)."""
    deadline = resolution_deadline("cms", _cms_report_on_friday())
    assert deadline == dt.datetime(2026, 3, 18, 14, 0, tzinfo=KYIV)


def test_72_hours_skip_a_closure_after_a_friday_report():
    """BIL-9/CAL-4: a report on a Friday before a day off (Monday closure) is due
    Thursday, so a fix on Wednesday afternoon was in time and bars the partial refund."""
    first = _cms_report_on_friday()
    resolved = dt.datetime(2026, 3, 18, 16, 0, tzinfo=KYIV)  # Wednesday
    m = paid_migration(line="cms")
    request = corruption_request(m, problem_first_reported_at=first,
                                 problem_resolved_at=resolved)
    late = "Not resolved within 72 hours (3 business days) of the first report"
    assert ("BIL-9", late) not in failed_rules(evaluate(request, now=NOW))  # late: Wed > Wed 14h
    closure_save(closure=Closure(calendar=BusinessCalendar.objects.get(slug="cms-tech"),
                                 starts_on=dt.date(2026, 3, 16), ends_on=dt.date(2026, 3, 16),
                                 public_note="Holiday"))
    assert resolution_deadline("cms", first) == dt.datetime(2026, 3, 19, 14, 0, tzinfo=KYIV)
    assert ("BIL-9", late) in failed_rules(evaluate(request, now=NOW))


def test_unresolved_problem_counts_once_the_72_hours_passed():
    """BIL-9: still unresolved after the deadline → the rule passes; before it, it fails."""
    first = dt.datetime(2026, 3, 16, 10, 0, tzinfo=UTC)  # Monday, data line
    m = paid_migration()
    request = corruption_request(m, problem_first_reported_at=first)
    deadline = resolution_deadline("data", first)
    label = "Not resolved within 72 hours (3 business days) of the first report"
    assert ("BIL-9", label) in failed_rules(evaluate(request, now=deadline))
    assert ("BIL-9", label) not in failed_rules(
        evaluate(request, now=deadline + dt.timedelta(minutes=1)))


def test_reported_after_archive_is_barred():
    """BIL-9/BIL-11: nothing after the migration was archived."""
    m = paid_migration(archived_at=PAID_AT + dt.timedelta(days=7))
    result = evaluate(corruption_request(m), now=NOW)
    assert ("BIL-9", "Reported before the migration was archived") in failed_rules(result)
    assert ("BIL-11", "The migration is not archived") in failed_rules(result)


# BIL-10: full refund less 5% ---------------------------------------------------------

def test_full_refund_less_5_percent_when_never_started(orders_contract):
    """BIL-10: paid, never started, payment valid → 1000 − 5% = 950."""
    result = evaluate(not_used_request(paid_migration(started=False)), now=NOW)
    assert result.eligible, failed_rules(result)
    assert (result.kind, result.fee_usd, result.amount_usd) == (
        RefundKind.FULL, Decimal("50.00"), Decimal("950.00"))


def test_full_refund_only_while_the_payment_is_valid(orders_contract):
    """BIL-10 decision: day 30 still refundable, day 31 never."""
    request = not_used_request(paid_migration(started=False))
    assert evaluate(request, now=PAID_AT + dt.timedelta(days=30)).eligible
    late = evaluate(request, now=PAID_AT + dt.timedelta(days=31))
    assert failed_rules(late) == {
        ("BIL-10", "The payment is still valid (30 days after the transaction)")}


def test_full_refund_refused_once_the_migration_started(orders_contract):
    """BIL-10: the customer used the service."""
    result = evaluate(not_used_request(paid_migration(started=True)), now=NOW)
    assert failed_rules(result) == {("BIL-10", "The full migration never started")}


# BIL-11: exclusions ------------------------------------------------------------------

@pytest.mark.parametrize(("fact", "label"), [
    ("database_dump_source", "Not migrated from a database dump"),
    ("third_party_delay", "Not a delay caused by a third party"),
    ("customer_interference", "Not caused by the customer's interference"),
    ("reports_or_settings", "Not about reports or settings (they are not migrated)"),
])
def test_exclusions_bar_a_refund(fact, label):
    """BIL-11: dump sources, third-party delays, customer interference, reports."""
    result = evaluate(corruption_request(paid_migration(), **{fact: True}), now=NOW)
    assert failed_rules(result) == {("BIL-11", label)}


def test_support_packages_and_custom_work_are_never_refunded(orders_contract):
    """BIL-11: an order of a package and custom work only has nothing refundable; in a
    mixed order those lines are left out of the full refund."""
    only = evaluate(not_used_request(paid_migration(
        {"package": "600.00", "custom_work": "400.00"}, started=False)), now=NOW)
    assert ("BIL-11", "Not a support package or custom work") in failed_rules(only)
    mixed = evaluate(not_used_request(paid_migration(
        {"migration": "1000.00", "package": "600.00"}, started=False)), now=NOW)
    # paid 1600 − package 600 − 5% of 1600 (80) = 920
    assert mixed.eligible and mixed.amount_usd == Decimal("920.00")


# BIL-12: amounts with earlier refunds ------------------------------------------------

def _earlier_refund(m, usd):
    payment = m.payments.get()
    Refund.objects.create(payment=payment, kind=RefundKind.PARTIAL, amount_usd=Decimal(usd),
                          amount=Money(Decimal(usd), "USD"), created_at=PAID_AT)


def test_partial_refunds_together_stay_within_30_percent():
    """BIL-9/BIL-12: after 200 USD refunded, a new partial refund is at most 100 USD."""
    m = paid_migration()
    _earlier_refund(m, "200.00")
    assert evaluate(corruption_request(m), now=NOW).amount_usd == Decimal("100.00")
    _earlier_refund(m, "100.00")
    result = evaluate(corruption_request(m), now=NOW)
    assert result.amount_usd == Decimal("0.00") and not result.eligible


def test_full_refund_less_fee_and_earlier_refunds(orders_contract):
    """BIL-12: 1000 paid, 200 refunded, fee 50 never returned → 750 at most."""
    m = paid_migration(started=False)
    _earlier_refund(m, "200.00")
    assert evaluate(not_used_request(m), now=NOW).amount_usd == Decimal("750.00")


# Decisions ---------------------------------------------------------------------------

def test_approve_within_the_cap_issues_refund_credit_note_and_stops_work(
    orders_contract, django_capture_on_commit_callbacks
):
    """BIL-9/BIL-13/ORD-17: an approved refund has a credit note; the migration stops."""
    finance = StaffFactory()
    m = paid_migration()
    request = corruption_request(m)
    with pytest.raises(ValidationError, match="at most 300.00"):
        services.refund_approve(request=request, actor=finance, amount_usd=Decimal("300.01"),
                                now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_approve(request=request, actor=finance,
                                         amount_usd=Decimal("250"), now=NOW)
    request.refresh_from_db()
    m.refresh_from_db()
    assert request.status == RefundRequestStatus.APPROVED and request.decided_by == finance
    assert refund.amount == Money(Decimal("250.00"), "USD")
    assert CreditNote.objects.get(refund=refund).number == "CN-2026-000001"
    assert m.status == MigrationStatus.STOPPED
    assert not DataDeletionConfirmation.objects.exists()  # partial: no deletion asked
    assert "approved" in mail.outbox[-1].body


def test_approval_happens_once(orders_contract):
    """BIL-8: a decided request cannot be approved again — one refund."""
    request = corruption_request(paid_migration())
    services.refund_approve(request=request, actor=None, now=NOW)
    with pytest.raises(ValidationError, match="cannot become"):
        services.refund_approve(request=request, actor=None, now=NOW)
    assert Refund.objects.count() == 1


def test_ineligible_request_cannot_be_approved(orders_contract):
    """BIL-8: finance approves only what the rules allow, and sees which rule barred it."""
    request = corruption_request(paid_migration(), vendor_fault=False)
    with pytest.raises(ValidationError, match="BIL-9: The data corruption is the vendor"):
        services.refund_approve(request=request, actor=None, now=NOW)
    assert not Refund.objects.exists()


def test_deny_needs_a_reason_and_tells_the_customer(django_capture_on_commit_callbacks):
    """BIL-8: finance denies with a reason the customer reads."""
    request = corruption_request(paid_migration())
    with pytest.raises(ValidationError, match="reason"):
        services.refund_deny(request=request, actor=None, reason=" ", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_deny(request=request, actor=None, reason="Resolved in time.", now=NOW)
    request.refresh_from_db()
    assert request.status == RefundRequestStatus.DENIED
    assert "Resolved in time." in mail.outbox[-1].body


def test_full_refund_asks_the_customer_to_confirm_data_deletion(orders_contract):
    """BIL-13: after a full refund the portal records the customer's confirmation."""
    m = paid_migration(started=False)
    refund = services.refund_approve(request=not_used_request(m), actor=None, now=NOW)
    assert refund.amount_usd == Decimal("950.00")
    refund.payment.refresh_from_db()
    assert refund.payment.status == PaymentStatus.REFUNDED
    confirmation = DataDeletionConfirmation.objects.get(migration=m)
    with pytest.raises(ValidationError, match="Only the customer"):
        services.data_deletion_confirm(confirmation=confirmation, actor=StaffFactory(), now=NOW)
    services.data_deletion_confirm(confirmation=confirmation, actor=m.customer.user,
                                   statement="Deleted dumps and backups.", now=NOW)
    confirmation.refresh_from_db()
    assert confirmation.confirmed_at == NOW and confirmation.confirmed_by == m.customer.user


def test_payout_is_recorded_against_the_provider(orders_contract):
    """BIL-8: finance records the payout with the provider's reference."""
    request = corruption_request(paid_migration())
    refund = services.refund_approve(request=request, actor=None, now=NOW)
    services.refund_record_payout(refund=refund, actor=None, provider_reference="PP-R-991",
                                  now=NOW)
    refund.refresh_from_db()
    request.refresh_from_db()
    assert (refund.provider_reference, refund.paid_out_at) == ("PP-R-991", NOW)
    assert request.status == RefundRequestStatus.PAID_OUT
    with pytest.raises(ValidationError, match="already recorded"):
        services.refund_record_payout(refund=refund, actor=None, provider_reference="X", now=NOW)


def test_credit_note_is_immutable(orders_contract):
    """BIL-12: a credit note is never changed or deleted."""
    refund = services.refund_approve(request=corruption_request(paid_migration()), actor=None,
                                     now=NOW)
    note = refund.credit_note
    note.text = "changed"
    with pytest.raises(ImmutableRecordError):
        note.save()
    with pytest.raises(ImmutableRecordError):
        note.delete()
    assert CreditNote.objects.get(pk=note.pk).text != "changed"


def test_refund_in_another_currency_uses_the_payments_rate(orders_contract):
    """BIL-3/BIL-10: refunds are paid in the payment's currency at its stored rate."""
    m = priced_migration({"migration": "1100.00"}, status=MigrationStatus.PAID,
                         paid_at=PAID_AT)
    PaymentFactory(migration=m, net_usd=Decimal("1100.00"),
                   amount=Money(Decimal("1000.00"), "EUR"), exchange_rate=Decimal("1.10"),
                   transaction_at=PAID_AT)
    refund = services.refund_approve(request=not_used_request(m), actor=None, now=NOW)
    assert refund.amount_usd == Decimal("1045.00")  # 1100 − 5%
    assert refund.amount == Money(Decimal("950.00"), "EUR")


def test_second_partial_refund_on_a_stopped_migration_stays_within_the_cap(orders_contract):
    """BIL-9/BIL-12/ORD-17: after 100 USD refunded the next approval is capped at 200; the
    migration stays stopped."""
    m = paid_migration()
    services.refund_approve(request=corruption_request(m), actor=None,
                            amount_usd=Decimal("100"), now=NOW)
    second = corruption_request(m)
    with pytest.raises(ValidationError, match="at most 200.00"):
        services.refund_approve(request=second, actor=None, amount_usd=Decimal("250"),
                                now=NOW)
    refund = services.refund_approve(request=second, actor=None, now=NOW)
    m.refresh_from_db()
    assert refund.amount_usd == Decimal("200.00") and m.status == MigrationStatus.STOPPED
    assert list(CreditNote.objects.order_by("sequence").values_list("number", flat=True)) == [
        "CN-2026-000001", "CN-2026-000002"]
