"""BIL-8..12: the refund eligibility of a request, rule by rule, and its amount.

Every rule is listed with its SPEC ID and pass/fail, so finance sees which rule
allowed or barred a refund. **Decisions:** support packages and custom work (BIL-11)
are never refunded — their quote lines are taken out of the refundable amount, and a
request whose order holds nothing else is barred; the 5% fee of BIL-12 is 5% of the
original charge, kept on every refund (total refunds ≤ paid − 5%). A full refund
(BIL-10) also returns a surcharge the customer paid (BIL-5) — in full, as the fee is on
the original charge; a partial refund (BIL-9) is a share of the migration price and
leaves surcharges alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from orders.choices import QuoteLineKind
from slaportal.accounts.choices import ProductLine
from slaportal.calendars.selectors import business_calendar

from . import orders_api
from .choices import PaymentPurpose, PaymentStatus, RefundKind, RefundReason
from .models import Payment, RefundRequest
from .money import ZERO, cents, percent_of
from .services.payments import order_discount_usd, order_lines_usd

PARTIAL_CAP_PERCENT = Decimal("30")  # BIL-9
FEE_PERCENT = Decimal("5")  # BIL-10/BIL-12
RESOLUTION_BUSINESS_DAYS = 3  # BIL-9: 72 hours = 3 business days
NON_REFUNDABLE_KINDS = (QuoteLineKind.PACKAGE, QuoteLineKind.CUSTOM_WORK)  # BIL-11
# BIL-9: the data line's support centre, or CMS technical support.
RESOLUTION_CALENDAR = {ProductLine.DATA: "data-extended", ProductLine.CMS: "cms-tech"}


@dataclass(frozen=True)
class RuleResult:
    rule: str
    label: str
    passed: bool
    detail: str = ""

    @property
    def topic(self) -> str:
        """The refund term as the customer reads it (staff see the rule ID)."""
        return RULE_TOPICS.get(self.rule, "Refund terms")


RULE_TOPICS = {
    "BIL-9": "Data corruption refund",
    "BIL-10": "Full refund",
    "BIL-11": "What can be refunded",
    "BIL-12": "Payment and amount",
}


@dataclass
class Eligibility:
    kind: str
    rules: list[RuleResult] = field(default_factory=list)
    payment: Payment | None = None
    paid_usd: Decimal = ZERO
    fee_usd: Decimal = ZERO
    refunded_usd: Decimal = ZERO
    amount_usd: Decimal = ZERO
    # BIL-12: a full refund's share on each paid surcharge (payment, USD left on it).
    surcharge_shares: list[tuple[Payment, Decimal]] = field(default_factory=list)

    @property
    def order_amount_usd(self) -> Decimal:
        """The part refunded on the order's own charge."""
        return self.amount_usd - sum((share for _, share in self.surcharge_shares), ZERO)

    @property
    def eligible(self) -> bool:
        return all(r.passed for r in self.rules)

    @property
    def summary(self) -> str:
        """One mark per rule ID in SPEC order, e.g. "BIL-9 ✗ · BIL-11 ✓ · BIL-12 ✓"."""
        by_rule: dict[str, bool] = {}
        for r in self.rules:
            by_rule[r.rule] = by_rule.get(r.rule, True) and r.passed
        ordered = sorted(by_rule.items(), key=lambda item: int(item[0].split("-")[1]))
        return " · ".join(f"{rule} {'✓' if ok else '✗'}" for rule, ok in ordered)


def order_payments_prefetch() -> Prefetch:
    """For a batch of requests: each migration's order charges, newest funds first,
    with their refunds (``order_payment`` then reads them without a query)."""
    return Prefetch(
        "migration__payments", to_attr="order_payments",
        queryset=Payment.objects.filter(purpose=PaymentPurpose.ORDER,
                                        transaction_at__isnull=False)
        .order_by("-transaction_at").prefetch_related("refunds"),
    )


def surcharge_payments_prefetch() -> Prefetch:
    """For a batch of requests: each migration's completed surcharge payments (BIL-5)."""
    return Prefetch(
        "migration__payments", to_attr="surcharge_payments",
        queryset=Payment.objects.filter(purpose=PaymentPurpose.SURCHARGE,
                                        status=PaymentStatus.COMPLETED)
        .order_by("pk").prefetch_related("refunds"),
    )


def surcharge_payments(migration) -> list[Payment]:
    """BIL-5/BIL-12: the surcharges the customer paid on this order."""
    if hasattr(migration, "surcharge_payments"):  # surcharge_payments_prefetch()
        return migration.surcharge_payments
    return list(Payment.objects.filter(migration=migration, purpose=PaymentPurpose.SURCHARGE,
                                       status=PaymentStatus.COMPLETED)
                .order_by("pk").prefetch_related("refunds"))


def order_payment(migration) -> Payment | None:
    """The order's charge whose funds arrived (the one refunds are made against)."""
    if hasattr(migration, "order_payments"):  # order_payments_prefetch()
        return migration.order_payments[0] if migration.order_payments else None
    return (
        Payment.objects.filter(migration=migration, purpose=PaymentPurpose.ORDER,
                               transaction_at__isnull=False)
        .order_by("-transaction_at")
        .first()
    )


def resolution_deadline(line: str, first_report: dt.datetime) -> dt.datetime:
    """BIL-9: 72 hours = 3 business days after the first report, on the line's calendar."""
    return business_calendar(RESOLUTION_CALENDAR[line]).add_days(
        first_report, RESOLUTION_BUSINESS_DAYS
    )


def evaluate(request: RefundRequest, *, now: dt.datetime | None = None) -> Eligibility:
    now = now or timezone.now()
    migration = request.migration
    kind = RefundKind.FULL if request.reason == RefundReason.NOT_USED else RefundKind.PARTIAL
    result = Eligibility(kind=kind)
    rules = result.rules
    payment = order_payment(migration)
    result.payment = payment
    paid = payment is not None and payment.status == PaymentStatus.COMPLETED
    rules.append(RuleResult(
        "BIL-12", "The order was paid and the payment is neither refunded nor charged back",
        paid, payment.get_status_display() if payment else "No payment received.",
    ))
    lines = order_lines_usd(migration)
    non_refundable = sum((lines.get(k, ZERO) for k in NON_REFUNDABLE_KINDS), ZERO)
    refundable_lines = sum(lines.values(), ZERO) - non_refundable
    rules.append(RuleResult(
        "BIL-11", "Not a support package or custom work", refundable_lines > 0,
        f"{non_refundable} USD of packages/custom work never refunded" if non_refundable else "",
    ))
    archived = migration.archived_at is not None and migration.archived_at <= now
    rules.append(RuleResult("BIL-11", "The migration is not archived", not archived,
                            f"Archived {timezone.localtime(migration.archived_at):%Y-%m-%d}"
                            if archived else ""))
    for attr, label in (
        ("database_dump_source", "Not migrated from a database dump"),
        ("third_party_delay", "Not a delay caused by a third party"),
        ("customer_interference", "Not caused by the customer's interference"),
        ("reports_or_settings", "Not about reports or settings (they are not migrated)"),
    ):
        rules.append(RuleResult("BIL-11", label, not getattr(request, attr)))

    if kind == RefundKind.PARTIAL:
        _partial_rules(request, migration, now, rules)
    else:
        started = orders_api.started(migration)
        rules.append(RuleResult("BIL-10", "The full migration never started", not started))
        valid = payment is not None and payment.is_valid_at(now)
        until = payment.valid_until if payment else None
        rules.append(RuleResult(
            "BIL-10", "The payment is still valid (30 days after the transaction)", valid,
            f"Valid until {timezone.localtime(until):%Y-%m-%d %H:%M}" if until else "",
        ))

    if payment is not None:
        result.paid_usd = payment.total_usd
        result.fee_usd = percent_of(payment.total_usd, FEE_PERCENT)
        result.refunded_usd = sum((r.amount_usd for r in payment.refunds.all()), ZERO)
        ceiling = payment.total_usd - non_refundable - result.fee_usd - result.refunded_usd
        ceiling = max(cents(ceiling), ZERO)
        if kind == RefundKind.PARTIAL:
            migration_price = lines.get(QuoteLineKind.MIGRATION, ZERO) - order_discount_usd(
                migration
            )
            # BIL-9: 30% of the migration price in all, earlier refunds included.
            cap = percent_of(migration_price, PARTIAL_CAP_PERCENT) - result.refunded_usd
            ceiling = max(min(ceiling, cap), ZERO)
        else:  # BIL-12: a full refund returns the surcharges paid, less earlier refunds
            for extra in surcharge_payments(migration):
                left = cents(extra.total_usd - sum((r.amount_usd for r in extra.refunds.all()),
                                                   ZERO))
                result.paid_usd += extra.total_usd
                if left > 0:
                    result.surcharge_shares.append((extra, left))
                    ceiling += left
        result.amount_usd = ceiling
    rules.append(RuleResult(
        "BIL-12", "Something is left to refund (paid − 5% fee − already refunded)",
        result.amount_usd > 0,
        f"paid {result.paid_usd}, fee {result.fee_usd}, refunded {result.refunded_usd} USD",
    ))
    return result


def _partial_rules(request, migration, now, rules) -> None:
    rules.append(RuleResult("BIL-9", "The data corruption is the vendor's fault",
                            request.vendor_fault))
    rules.append(RuleResult("BIL-9", "An engineer verified it",
                            request.engineer_verified_at is not None))
    first = request.problem_first_reported_at
    if first is None:
        rules.append(RuleResult("BIL-9", "Not resolved within 72 business hours", False,
                                "No first-report date."))
    else:
        deadline = resolution_deadline(migration.line, first)
        resolved = request.problem_resolved_at
        late = (resolved is None and now > deadline) or (
            resolved is not None and resolved > deadline
        )
        rules.append(RuleResult(
            "BIL-9", "Not resolved within 72 hours (3 business days) of the first report",
            late, f"Deadline {timezone.localtime(deadline):%Y-%m-%d %H:%M} Kyiv",
        ))
    rules.append(RuleResult(
        "BIL-9", "Not a platform limitation or outside the vendor's control",
        not request.platform_limitation,
    ))
    before_archive = first is not None and (
        migration.archived_at is None or first < migration.archived_at
    )
    rules.append(RuleResult("BIL-9", "Reported before the migration was archived",
                            before_archive))
