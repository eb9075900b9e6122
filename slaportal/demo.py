"""Demo records for the embedded run (``manage.py seed_demo``): the order and billing
paths a new user should find on their first visit, each made through the services a
real customer, account manager, engine or payment provider would call.

- Alice (data line): a full migration bought with the Signature plan (the plan serves
  her tickets), started by the engine with more records than ordered: a surcharge to
  pay (BIL-5).
- Carol: custom work at every stage of ORD-10, and a data-line order refunded in full
  at the payment provider, waiting for her data-deletion confirmation (BIL-13).
- Bob (CMS line): an order whose card checkout was never completed and lapsed.

Idempotent: nothing is made when Alice already has an order.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from billing import services as billing
from billing.choices import PaymentMethod, RefundKind, SurchargeSource
from billing.models import Refund
from billing.services.refunds import refund_recorded
from orders import services as orders
from orders.choices import AccessSide
from orders.models import Migration, Platform
from slaportal.accounts.models import Customer
from slaportal.plans.models import SupportPlan


def _order(customer, manager, *, line, source, target, records, plan=None):
    return orders.quote_build(
        customer=customer, line=line, source=Platform.objects.get(name=source, line=line),
        target=Platform.objects.get(name=target, line=line), record_count=records,
        actor=manager, support_plan=SupportPlan.objects.get(code=plan) if plan else None)


def _paid(customer, manager, now, **order):
    m = _order(customer, manager, **order)
    billing.order_confirm(migration=m, actor=customer.user, now=now)
    payment = billing.payment_start(migration=m, method=PaymentMethod.CARD,
                                    actor=customer.user, country="DE", now=now)
    payment = billing.payment_complete(payment=payment, actor=None, now=now,
                                       provider_order_id=f"DEMO-{payment.pk}")
    m.refresh_from_db()
    return m, payment


def _access(m, manager, now):
    for side in (AccessSide.SOURCE, AccessSide.TARGET):
        detail = orders.access_detail_set(
            migration=m, side=side, url=f"https://{side}.demo.example", now=now,
            secret=f"demo-{side}-password", actor=m.customer.user)
        orders.access_verify(detail=detail, actor=manager, now=now)


CUSTOM_WORK = [
    ("requested", "Import our custom 'Contracts' object with its attachments."),
    ("requirements", "Keep the ticket numbering of the old help desk."),
    ("estimated", "Migrate the satisfaction ratings as custom fields."),
    ("quoted", "Map 12 ticket forms to the new ticket fields."),
    ("paid", "Move macros and triggers, rewritten for the target."),
    ("delivered", "Migrate inline images from the knowledge base."),
    ("accepted", "Split one brand into two help centres."),
]
STEPS = ["requested", "requirements", "estimated", "quoted", "paid", "delivered", "accepted"]


def _custom_work(customer, manager, now, upto: str, description: str, migration):
    work = orders.custom_work_request(customer=customer, actor=customer.user,
                                      description=description, migration=migration)
    reached = STEPS.index(upto)
    if reached >= 1:
        work = orders.custom_work_requirements(work=work, actor=manager,
                                               requirements="Agreed on a call: " + description)
    if reached >= 2:
        work = orders.custom_work_estimate(work=work, hours=Decimal("6"), actor=manager)
    if reached >= 3:
        work = orders.custom_work_quote(work=work, price=Decimal("480"), timeframe_days=5,
                                        actor=manager)
    if reached >= 4:
        payment = billing.custom_work_payment_start(work=work, method=PaymentMethod.CARD,
                                                    actor=customer.user, country="DE")
        billing.payment_complete(payment=payment, actor=None, now=now)
        work.refresh_from_db()
    if reached >= 5:
        work = orders.custom_work_deliver(work=work, actor=manager, now=now)
    if reached >= 6:
        work = orders.custom_work_accept(work=work, actor=customer.user, now=now)
    return work


@transaction.atomic
def seed_orders(*, manager, now: dt.datetime | None = None) -> list[str]:
    """Make the demo orders; returns what was made, one line each."""
    now = now or timezone.now()
    alice = Customer.objects.filter(user__email="alice@acme.example").first()
    bob = Customer.objects.filter(user__email="bob@blogworks.example").first()
    carol = Customer.objects.filter(user__email="carol@greenleaf.example").first()
    if not (alice and bob and carol) or Migration.objects.filter(customer=alice).exists():
        return []
    made = []

    # Alice: Signature bought and served; the engine counts 12,400 of 12,000 records.
    m, _ = _paid(alice, manager, now - dt.timedelta(days=2), line="data", source="Zendesk",
                 target="Freshdesk", records=12_000, plan="signature")
    _access(m, manager, now - dt.timedelta(days=1))
    orders.migration_start(migration=m, actor=None, now=now - dt.timedelta(hours=3))
    surcharge = billing.surcharge_raise(
        migration=m, records_at_start=12_400, actor=None, source=SurchargeSource.ENGINE,
        note="Counted by the migration engine at the start.", now=now - dt.timedelta(hours=3))
    made.append(f"{alice.user.full_name}: {m.migration_id} on Signature, running, surcharge "
                f"{surcharge.amount_usd} USD to pay")

    # Carol: custom work at every stage, and a provider-side full refund.
    refunded, payment = _paid(carol, manager, now - dt.timedelta(days=3), line="data",
                              source="Help Scout", target="Zendesk", records=3_000)
    refund = Refund.objects.create(
        payment=payment, kind=RefundKind.PROVIDER, amount_usd=payment.total_usd,
        amount=Money(payment.amount.amount, str(payment.amount.currency)),
        created_at=now - dt.timedelta(days=1), provider_reference="DEMO-REFUND")
    refund_recorded(refund=refund, full=True, actor=None, now=now - dt.timedelta(days=1),
                    reason="Refund issued by the payment provider (demo).")
    made.append(f"{carol.user.full_name}: {refunded.migration_id} refunded in full at the "
                "provider, data-deletion confirmation awaited")
    about, _ = _paid(carol, manager, now - dt.timedelta(days=5), line="data",
                     source="Freshdesk", target="Zendesk", records=8_000, plan="premium")
    for upto, description in CUSTOM_WORK:
        _custom_work(carol, manager, now, upto, description, about)
    made.append(f"{carol.user.full_name}: custom work at each of the {len(CUSTOM_WORK)} stages")

    # Bob: a card checkout never completed, lapsed after a day.
    pending = _order(bob, manager, line="cms", source="WordPress", target="Drupal",
                     records=800)
    billing.order_confirm(migration=pending, actor=bob.user, now=now - dt.timedelta(days=2))
    billing.payment_start(migration=pending, method=PaymentMethod.CARD, actor=bob.user,
                          country="US", now=now - dt.timedelta(days=2))
    lapsed = billing.payments_lapse_due(now=now + dt.timedelta(days=2))
    made.append(f"{bob.user.full_name}: {pending.migration_id} with {lapsed} lapsed checkout")
    return made
