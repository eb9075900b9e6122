"""Refund requests (BIL-8..13): filed by customers, decided once by finance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from djmoney.money import Money

from orders.models import Migration
from slaportal.bulk import bulk_update_values
from slaportal.calendars.selectors import pinned_calendars
from slaportal.jobs import Step, drain

from .. import emails, orders_api
from ..choices import (
    PaymentPurpose,
    PaymentStatus,
    RefundKind,
    RefundRequestStatus,
    SurchargeStatus,
)
from ..eligibility import (
    Eligibility,
    evaluate,
    order_payment,
    order_payments_prefetch,
    surcharge_payments_prefetch,
)
from ..models import (
    CreditNote,
    DataDeletionConfirmation,
    Payment,
    Refund,
    RefundRequest,
    Surcharge,
)
from ..money import cents, usd_to_currency
from ..transitions import check_refund_request_move
from .numbering import number_take
from .payments import payment_set_status

ASSESSMENT_FIELDS = (
    "vendor_fault", "engineer_verified_by", "engineer_verified_at", "problem_resolved_at",
    "platform_limitation", "database_dump_source", "third_party_delay",
    "customer_interference", "reports_or_settings",
)


EVALUATION_FIELDS = ["eligibility_summary", "eligible_amount_usd", "evaluated_at"]


def _evaluate_into(request: RefundRequest, now: dt.datetime) -> Eligibility:
    """Evaluate and set the stored columns on ``request`` (the caller writes them)."""
    result = evaluate(request, now=now)
    request.eligibility_summary = result.summary[:200]
    request.eligible_amount_usd = result.amount_usd
    request.evaluated_at = now
    return result


def _store_evaluation(request: RefundRequest, now: dt.datetime) -> Eligibility:
    result = _evaluate_into(request, now)
    RefundRequest.objects.filter(pk=request.pk).update(
        **{name: getattr(request, name) for name in EVALUATION_FIELDS})
    return result


@transaction.atomic
def refund_request_submit(
    *, customer, migration: Migration, reason: str, description: str,
    problem_first_reported_at: dt.datetime | None, actor, now: dt.datetime | None = None,
) -> RefundRequest:
    """BIL-8: the customer files a refund request for one of their orders."""
    now = now or timezone.now()
    if migration.customer_id != customer.pk:
        raise ValidationError({"migration": "You can request refunds for your own orders only."})
    if problem_first_reported_at and problem_first_reported_at > now:
        raise ValidationError(
            {"problem_first_reported_at": "The first report cannot be in the future."}
        )
    _refuse_repeated_request(migration)
    request = RefundRequest(
        migration=migration, customer=customer, reason=reason, description=description,
        problem_first_reported_at=problem_first_reported_at, submitted_at=now,
    )
    request.full_clean()
    request.save()
    _store_evaluation(request, now)
    emails.refund_received(request)
    return request


def _refuse_repeated_request(migration: Migration) -> None:
    """BIL-8/BIL-12: one request at a time per order, none after a full refund."""
    if RefundRequest.objects.filter(migration=migration,
                                    status=RefundRequestStatus.SUBMITTED).exists():
        raise ValidationError({"migration": (
            f"A refund request for migration {migration.migration_id} is already waiting "
            "for a decision; we will answer it first.")})
    refunded = Payment.objects.filter(migration=migration, status=PaymentStatus.REFUNDED)
    if refunded.exists() or Refund.objects.filter(payment__migration=migration,
                                                  kind=RefundKind.FULL).exists():
        raise ValidationError({"migration": (
            f"Migration {migration.migration_id} was refunded in full; no further refund "
            "can be requested for it.")})


def can_verify_corruption(user) -> bool:
    """BIL-9: "an engineer verified it" — a support engineer, or a user given the
    verifier permission (superusers have every permission)."""
    from slaportal.accounts.roles import Role

    if user is None or not getattr(user, "is_active", False) or not user.is_staff:
        return False
    return (user.groups.filter(name=Role.SUPPORT_ENGINEERS).exists()
            or user.has_perm("billing.verify_corruption"))


@transaction.atomic
def refund_request_assess(
    *, request: RefundRequest, actor, now: dt.datetime | None = None, **facts
) -> Eligibility:
    """Finance/engineers record the facts BIL-9/BIL-11 need; the evaluation is redone."""
    now = now or timezone.now()
    unknown = set(facts) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValidationError(f"Not assessment fields: {sorted(unknown)}.")
    request = RefundRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RefundRequestStatus.SUBMITTED:
        raise ValidationError("A decided refund request is not assessed again.")
    verifier = facts.get("engineer_verified_by")
    if verifier is not None and verifier != request.engineer_verified_by and not (
            can_verify_corruption(verifier)):
        raise ValidationError({"engineer_verified_by": (
            f"{verifier} is not a support engineer: only an engineer (or a user with the "
            "verifier permission) can verify a data corruption (BIL-9).")})
    for name, value in facts.items():
        setattr(request, name, value)
    if facts.get("engineer_verified_by") and not request.engineer_verified_at:
        request.engineer_verified_at = now
    request._change_reason = f"assessed by {actor}"
    request.save()
    return _store_evaluation(request, now)


def _subject(payment) -> str:
    if payment.migration_id:
        return f"migration {payment.migration.migration_id}"
    return f"weekend support booking #{payment.weekend_booking_id}"


def credit_note_issue(*, refund: Refund, now: dt.datetime) -> CreditNote:
    """The numbered, immutable credit note of a refund."""
    from ..documents import credit_note_document

    year = timezone.localtime(now).year
    sequence, number = number_take(series="CN", year=year)
    return CreditNote.objects.create(
        number=number, year=year, sequence=sequence, refund=refund, amount=refund.amount,
        issued_at=now, document=credit_note_document(refund, number=number),
        text=(
            f"Credit note {number} for {_subject(refund.payment)}: "
            f"{refund.get_kind_display()}, {refund.amount} "
            f"({refund.amount_usd} USD) on payment #{refund.payment_id}."
        ),
    )


@transaction.atomic
def refund_approve(
    *, request: RefundRequest, actor, amount_usd: Decimal | None = None,
    now: dt.datetime | None = None,
) -> Refund:
    """BIL-9/10/12/13: approve once, within the computed cap; the migration stops.

    The request row is locked first: a second approval waits, then finds the request
    decided and is refused — two finance users approving at once make one refund.
    """
    now = now or timezone.now()
    request = RefundRequest.objects.select_for_update().select_related(
        "migration__customer__user"
    ).get(pk=request.pk)
    check_refund_request_move(request.status, RefundRequestStatus.APPROVED)
    # Lock the payment before reading what was already refunded on it, so approvals of
    # two requests on one order never refund more than BIL-12 allows together.
    paid = order_payment(request.migration)
    if paid is not None:
        Payment.objects.select_for_update().filter(pk=paid.pk).first()
    result = evaluate(request, now=now)
    if not result.eligible:
        failed = "; ".join(f"{r.rule}: {r.label}" for r in result.rules if not r.passed)
        raise ValidationError(f"Not eligible for a refund — {failed}.")
    payment = result.payment
    cap = result.amount_usd
    amount_usd = cents(cap if amount_usd is None else Decimal(amount_usd))
    if amount_usd <= 0 or amount_usd > cap:
        raise ValidationError(
            {"amount_usd": f"The refund must be more than 0 and at most {cap} USD."}
        )
    request.status = RefundRequestStatus.APPROVED
    request.decided_by = actor
    request.decided_at = now
    request.eligibility_summary = result.summary[:200]
    request.eligible_amount_usd = cap
    request.save(update_fields=["status", "decided_by", "decided_at", "eligibility_summary",
                                "eligible_amount_usd"])
    # BIL-12: the order's charge first, then each paid surcharge with what is left.
    order_part = min(amount_usd, result.order_amount_usd)
    shares = [(payment, order_part, request)]
    rest = amount_usd - order_part
    for extra, left in result.surcharge_shares:
        share = min(rest, left)
        if share > 0:
            Payment.objects.select_for_update().filter(pk=extra.pk).first()
            shares.append((extra, share, None))
            rest -= share
    reason = f"Refund approved (refund request #{request.pk})."
    full = result.kind == RefundKind.FULL
    refunds = [
        refund_recorded(refund=Refund.objects.create(
            payment=paid_on, request=for_request, kind=result.kind, amount_usd=share,
            amount=Money(usd_to_currency(share, paid_on.exchange_rate),
                         str(paid_on.amount.currency)),
            created_at=now, created_by=actor,
        ), full=full, actor=actor, now=now, reason=reason)
        for paid_on, share, for_request in shares if share > 0
    ]
    return refunds[0]


def refund_recorded(*, refund: Refund, full: bool, actor, now: dt.datetime,
                    reason: str) -> Refund:
    """What every refund does, approved in the portal or made at the provider: its credit
    note; when full, the payment is refunded and the customer is asked to confirm the
    deletion of the migrated data (BIL-13); the migration stops (ORD-17)."""
    credit_note_issue(refund=refund, now=now)
    emails.refund_issued(refund)
    payment = refund.payment
    if full:
        if payment.status == PaymentStatus.COMPLETED:
            payment_set_status(payment=payment, status=PaymentStatus.REFUNDED, now=now)
        if payment.surcharge_id:  # BIL-12: a surcharge returned with the full refund
            surcharge = Surcharge.objects.select_for_update().get(pk=payment.surcharge_id)
            surcharge.status, surcharge._history_user = SurchargeStatus.REFUNDED, actor
            surcharge.save(update_fields=["status"])
        # BIL-13: the order's full refund asks for the deletion (not a surcharge's alone).
        if payment.purpose == PaymentPurpose.ORDER and not DataDeletionConfirmation.objects.filter(
                migration_id=payment.migration_id).exists():
            emails.data_deletion_requested(DataDeletionConfirmation.objects.create(
                migration_id=payment.migration_id, refund=refund, requested_at=now))
    if payment.migration_id:  # a weekend support payment (SUP-11) has no migration
        orders_api.stop(migration=payment.migration, actor=actor, now=now, reason=reason)
    return refund


@transaction.atomic
def refund_deny(
    *, request: RefundRequest, actor, reason: str, now: dt.datetime | None = None
) -> RefundRequest:
    """BIL-8: finance denies a request, with the reason the customer will read."""
    now = now or timezone.now()
    if not (reason or "").strip():
        raise ValidationError({"reason": "Give the reason for the denial."})
    request = RefundRequest.objects.select_for_update().select_related(
        "migration__customer__user"
    ).get(pk=request.pk)
    check_refund_request_move(request.status, RefundRequestStatus.DENIED)
    request.status = RefundRequestStatus.DENIED
    request.decided_by = actor
    request.decided_at = now
    request.deny_reason = reason.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "deny_reason"])
    emails.refund_denied(request)
    return request


@transaction.atomic
def refund_record_payout(
    *, refund: Refund, actor, provider_reference: str, now: dt.datetime | None = None
) -> Refund:
    """Finance records the payout made at the provider (its reference)."""
    now = now or timezone.now()
    if not (provider_reference or "").strip():
        raise ValidationError({"provider_reference": "Give the provider's reference."})
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.paid_out_at is not None:
        raise ValidationError("This refund's payout is already recorded.")
    refund.provider_reference = provider_reference.strip()
    refund.paid_out_at = now
    refund.save(update_fields=["provider_reference", "paid_out_at"])
    if refund.request_id:
        request = RefundRequest.objects.select_for_update().get(pk=refund.request_id)
        check_refund_request_move(request.status, RefundRequestStatus.PAID_OUT)
        request.status = RefundRequestStatus.PAID_OUT
        request.save(update_fields=["status"])
    return refund


@transaction.atomic
def data_deletion_confirm(
    *, confirmation: DataDeletionConfirmation, actor, statement: str = "",
    now: dt.datetime | None = None,
) -> DataDeletionConfirmation:
    """BIL-13: the customer confirms they deleted all migrated data."""
    now = now or timezone.now()
    confirmation = DataDeletionConfirmation.objects.select_for_update().select_related(
        "migration__customer"
    ).get(pk=confirmation.pk)
    if actor is None or confirmation.migration.customer.user_id != actor.pk:
        raise ValidationError("Only the customer of the migration confirms the deletion.")
    if confirmation.confirmed_at is not None:
        return confirmation
    confirmation.confirmed_at = now
    confirmation.confirmed_by = actor
    confirmation.statement = statement
    confirmation.save(update_fields=["confirmed_at", "confirmed_by", "statement"])
    return confirmation


def refund_requests_reevaluate(
    *, calendar_slugs: frozenset[str] | None = None, now: dt.datetime | None = None,
    batch: int = 500,
) -> int:
    """Refresh the stored eligibility of undecided requests (the queue's at-a-glance
    column): time passes (72 business hours, 30-day validity) and calendars change
    (CAL-8). Only requests on lines whose resolution calendar changed, when given."""
    from ..eligibility import RESOLUTION_CALENDAR

    now = now or timezone.now()
    requests = RefundRequest.objects.filter(status=RefundRequestStatus.SUBMITTED)
    if calendar_slugs is not None:
        lines = [line for line, slug in RESOLUTION_CALENDAR.items() if slug in calendar_slugs]
        if not lines:
            return 0
        requests = requests.filter(migration__line__in=lines)
    # The least recently evaluated first; each request once per run (those evaluated
    # at ``now`` are done), so a run covers the queue batch after batch.
    oldest_first = (
        requests.filter(Q(evaluated_at__isnull=True) | Q(evaluated_at__lt=now))
        .select_related("migration").order_by(F("evaluated_at").asc(nulls_first=True), "pk")
    )

    batch_of = oldest_first.prefetch_related(
        order_payments_prefetch(), surcharge_payments_prefetch(), "migration__quote_lines",
        "migration__discount_redemptions")

    def step(size: int) -> Step:
        # A handful of queries per batch: the rows with what evaluate() reads, the
        # calendars once, one UPDATE of the stored results.
        rows = list(batch_of[:size])
        with pinned_calendars():
            for request in rows:
                _evaluate_into(request, now)
        bulk_update_values(RefundRequest, rows, EVALUATION_FIELDS)
        return Step(len(rows), len(rows))

    return drain(step, batch=batch)
