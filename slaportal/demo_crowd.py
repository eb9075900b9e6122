"""The demo's crowd (``manage.py seed_demo``): about fifty customers on every support
plan and both product lines, with tickets, migrations, payments, refund requests and
discount codes in every state, so that each queue and list of the portal has rows.

Every record is made by the service a customer, engineer, account manager, finance or
the scheduled jobs would call; the past is reached by passing ``now=`` to them, and the
beat jobs (SLA sweep, lapse, expiry, archive) run at the seeding's ``now``. Names,
e-mails and choices are fixed (``Demo Customer 07 …``, ``c07@demo-customers.example``,
``random.Random(SEED)``), so two fresh databases get the same demo.

Idempotent: nothing is made when the last crowd customer exists already.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from billing import services as billing
from billing.choices import PaymentMethod, RefundReason
from billing.models import DiscountCode, ExchangeRate, Invoice, Payment
from billing.services.ipn import ipn_receive, ipn_signature, validation_key
from orders import services as orders
from orders.choices import AccessSide
from orders.models import Migration, Platform
from slaportal.accounts import services as accounts
from slaportal.accounts.models import Customer, User
from slaportal.calendars.selectors import business_calendar
from slaportal.plans.models import SupportPlan
from slaportal.plans.selectors import customer_plan
from slaportal.plans.services import customer_plan_set
from support import services as support
from support.choices import Channel, ExclusionReason, Metric
from support.models import Breach, SupportSettings, Ticket
from support.services.clocks import add_target, span_minutes, target
from support.services.sla import warnings_send_due

SEED = 2026
FIRST, LAST = 4, 50  # Alice, Bob and Carol are customers 1-3
EMAIL = "c{:02d}@demo-customers.example"
COMPANIES = [
    "Northwind Traders", "Blue Harbor Clinics", "Kestrel Logistics", "Maple Street Books",
    "Orion Robotics", "Sunfield Energy", "Tidewater Insurance", "Copperleaf Bakery",
    "Lumen Analytics", "Redwood Schools", "Harbor & Pine Legal", "Vega Travel",
    "Silverline Telecom", "Brightpath Tutoring", "Quarry Hill Museum", "Nimbus Hosting",
    "Old Town Pharmacy", "Polar Sports", "Granite Property", "Fjord Shipping",
    "Cedar Health", "Atlas Freight", "Bluebell Florists", "Driftwood Games",
    "Emberline Foods", "Foxglove Studio", "Goldcrest Finance", "Hillside Vets",
    "Ironbridge Works", "Juniper Housing", "Kite Aerospace", "Lakeshore Hotels",
    "Meridian Labs", "Nightingale Care", "Oakridge Council", "Pebble Fintech",
    "Quill Publishing", "Riverbend Dairy", "Starling Media", "Thistle Crafts",
    "Umber Architects", "Valley Water", "Willow Dental", "Xenon Lighting",
    "Yarrow Gardens", "Zephyr Airlines", "Acorn Charities",
]
FIRST_NAMES = ["Anna", "Petro", "Maria", "John", "Lena", "Omar", "Sofia", "Ivan", "Chen",
               "Nadia", "Pablo", "Yuki", "Eva", "Dmytro", "Grace", "Liam"]
LAST_NAMES = ["Kovalenko", "Smith", "Garcia", "Muller", "Tanaka", "Nowak", "Rossi",
              "Bondar", "Okafor", "Silva", "Jensen", "Haddad"]
RATES = {"EUR": "1.080000", "GBP": "1.270000", "UAH": "0.024000", "CAD": "0.730000",
         "AUD": "0.660000"}
DATA_PLATFORMS = ["Zendesk", "Freshdesk", "Help Scout", "HubSpot", "Intercom", "Gorgias",
                  "Kayako", "Jira Service Management"]
CMS_PLATFORMS = ["WordPress", "Joomla", "Drupal", "Shopify", "phpBB", "HubSpot CMS"]
DATA_PLANS = ["standard", "premium", "signature"]
SUBJECTS = [
    "Attachments missing after the test run", "Custom fields mapped to the wrong type",
    "Agent names show as 'Unknown'", "Tags were not migrated", "Inline images are broken",
    "The migration stopped at 80%", "Redirects return 404", "Duplicate contacts on target",
    "Time zone of the ticket dates is off", "How do I start the delta migration?",
    "Knowledge base articles lost their categories", "Access to the target was revoked",
]
DESCRIPTION = ("Hello, after the demo run we see this on the target: {subject}. The error "
               "shown is 'Record rejected: 422'. Could you take a look, please?")


def crowd_email(number: int) -> str:
    return EMAIL.format(number)


def crowd_present() -> bool:
    return User.objects.filter(email=crowd_email(LAST)).exists()


class _Demo:
    """The state of one seeding run: the clock, the staff and the counters."""

    def __init__(self, *, now, managers, engineer, finance):
        self.now = now
        self.managers = managers
        self.engineer = engineer
        self.finance = finance
        self.rnd = random.Random(SEED)
        self.currency_turn = 0
        self.currencies = ["USD", *sorted(RATES)]

    def ago(self, **delta) -> dt.datetime:
        return self.now - dt.timedelta(**delta)

    def currency(self) -> str:
        currency = self.currencies[self.currency_turn % len(self.currencies)]
        self.currency_turn += 1
        return currency


# ----------------------------------------------------------------------------- people


BILLING_COUNTRIES = ["DE", "UA", "US", "GB", "PL", "CA", "FR"]
ZONES = {"DE": "Europe/Berlin", "US": "America/New_York", "GB": "Europe/London",
         "PL": "Europe/Warsaw", "CA": "America/Toronto", "FR": "Europe/Paris"}


def _register_crowd(demo: _Demo) -> list[Customer]:
    """Customers 04-50: one default plan per line they use, spread over the managers.
    In development they share the README's customer password (hashed once: hashing 47
    times would be most of the run); elsewhere they cannot sign in."""
    crowd = []
    for number in range(FIRST, LAST + 1):
        company = COMPANIES[number - FIRST]
        cms, data = (True, False) if number % 3 == 0 else (
            (False, True) if number % 3 == 1 else (True, True))
        name = (f"{FIRST_NAMES[number % len(FIRST_NAMES)]} "
                f"{LAST_NAMES[number % len(LAST_NAMES)]}")
        customer = accounts.customer_register(
            email=crowd_email(number), password=None, full_name=name,
            organisation=f"Demo Customer {number:02d} {company}",
            phone=f"+38044{number:07d}", uses_cms_line=cms, uses_data_line=data)
        accounts.customer_assign_manager(
            customer=customer, manager=demo.managers[number % len(demo.managers)], actor=None)
        country = BILLING_COUNTRIES[number % len(BILLING_COUNTRIES)]
        # Billing details on the profile (the invoices copy them); a few leave time in
        # Kyiv, others read times in their own zone.
        accounts.customer_update_profile(
            customer=customer, actor=customer.user, billing_name=f"{company} ({country})",
            billing_address=f"{number} Demo Street\n{10000 + number} Demo City",
            country=country, tax_id=f"{country}{700000000 + number}",
            time_zone=ZONES.get(country, "Europe/Kyiv"))
        if cms:
            customer_plan_set(customer=customer, plan=SupportPlan.objects.get(code="cms"),
                              actor=demo.managers[0])
        if data:
            customer_plan_set(customer=customer, actor=demo.managers[0],
                              plan=SupportPlan.objects.get(code=DATA_PLANS[number % 3]))
        crowd.append(customer)
    crowd_password_reset()
    return crowd


def crowd_password_reset() -> None:
    from slaportal.accounts.management.commands.seed_demo import DEMO_PASSWORDS

    if settings.DEBUG:
        User.objects.filter(email__endswith="@demo-customers.example").update(
            password=make_password(DEMO_PASSWORDS["customer"]))


def crowd_password_check() -> None:
    """In development the crowd signs in with the README's password (one check)."""
    from slaportal.accounts.management.commands.seed_demo import DEMO_PASSWORDS

    last = User.objects.filter(email=crowd_email(LAST)).first()
    if settings.DEBUG and last and not last.check_password(DEMO_PASSWORDS["customer"]):
        crowd_password_reset()


def _exchange_rates(demo: _Demo) -> None:
    """BIL-3: finance records a rate for each currency the portal offers."""
    for currency, rate in RATES.items():
        if currency in settings.CURRENCIES and not ExchangeRate.objects.filter(
                currency=currency).exists():
            ExchangeRate.objects.create(currency=currency, rate_to_usd=Decimal(rate),
                                        valid_from=demo.ago(days=400), created_by=demo.finance)


def _discount_codes(demo: _Demo) -> dict[str, DiscountCode]:
    codes = {}
    for code, percent, extra in [
        ("WELCOME10", "10", {"description": "New customers, 10% off the migration"}),
        ("DATA20", "20", {"description": "Data line spring offer", "applies_to_cms": False}),
        ("ONCE15", "15", {"description": "One order only", "usage_limit": 1}),
        ("PARTNER100", "100", {"description": "Partner programme: the migration is free"}),
        ("EXPIRED5", "5", {"description": "Last year's campaign",
                           "valid_from": demo.ago(days=400), "valid_until": demo.ago(days=35)}),
        ("WITHDRAWN30", "30", {"description": "Withdrawn after a pricing change"}),
    ]:
        codes[code] = billing.discount_code_save(
            code=DiscountCode(code=code, percent=Decimal(percent), **extra), actor=demo.finance)
    billing.discount_code_withdraw(code=codes["WITHDRAWN30"], actor=demo.finance,
                                   now=demo.ago(days=3))
    return codes


# ----------------------------------------------------------------------------- orders


def _platforms(demo: _Demo, line: str) -> tuple[Platform, Platform]:
    names = DATA_PLATFORMS if line == "data" else CMS_PLATFORMS
    source, target_ = demo.rnd.sample(names, 2)
    return (Platform.objects.get(name=source, line=line),
            Platform.objects.get(name=target_, line=line))


def _quote(demo: _Demo, customer, line: str, plan: str | None = None) -> Migration:
    source, target_ = _platforms(demo, line)
    records = demo.rnd.randrange(20, 400) * 50
    manager = customer.account_manager
    return orders.quote_build(
        customer=customer, line=line, source=source, target=target_, record_count=records,
        actor=manager, support_plan=SupportPlan.objects.get(code=plan) if plan else None)


def _confirmed(demo, customer, line, at, plan=None, code=None) -> Migration:
    m = _quote(demo, customer, line, plan)
    return billing.order_confirm(migration=m, actor=customer.user, discount_code=code, now=at)


def _checkout(demo, m, at, method=PaymentMethod.CARD) -> Payment:
    return billing.payment_start(migration=m, method=method, actor=m.customer.user,
                                 currency=demo.currency(), country="DE", now=at)


def _paid(demo, customer, line, at, plan=None, code=None) -> tuple[Migration, Payment]:
    m = _confirmed(demo, customer, line, at, plan, code)
    if m.status == "paid":  # BIL-7: a code worth the whole order settled it
        return m, Payment.objects.get(migration=m)
    payment = _checkout(demo, m, at)
    payment = billing.payment_complete(payment=payment, actor=None, now=at + dt.timedelta(
        minutes=3), provider_order_id=f"DEMO-{payment.pk}")
    m.refresh_from_db()
    return m, payment


def _verified(demo, m, at) -> Migration:
    for side in (AccessSide.SOURCE, AccessSide.TARGET):
        detail = orders.access_detail_set(
            migration=m, side=side, url=f"https://{side}.{m.migration_id.lower()}.example",
            secret=f"demo-{side}-password", actor=m.customer.user, now=at)
        orders.access_verify(detail=detail, actor=m.customer.account_manager, now=at)
    m.refresh_from_db()
    return m


def _running(demo, customer, line, at, plan=None, code=None) -> Migration:
    m, _ = _paid(demo, customer, line, at, plan, code)
    _verified(demo, m, at + dt.timedelta(hours=1))
    orders.migration_start(migration=m, actor=None, now=at + dt.timedelta(hours=2),
                           source="engine", note="Started by the migration engine")
    orders.migration_progress(migration=m, done=m.record_count // 3, total=m.record_count,
                              now=at + dt.timedelta(hours=3))
    return m


def _completed(demo, customer, line, at, plan=None) -> Migration:
    m = _running(demo, customer, line, at, plan)
    return orders.migration_complete(
        migration=m, actor=None, migrated=m.record_count - 7, skipped=5, failed=2,
        now=at + dt.timedelta(hours=8), source="engine")


def _ipn(m: Migration, payment: Payment, kind: str, at) -> None:
    """A PayPro Global notification about the payment, signed as the provider signs."""
    names = {"4": "OrderDeclined", "3": "OrderChargedBack"}
    fields = {"IPN_TYPE_ID": kind, "IPN_TYPE_NAME": names[kind],
              "ORDER_ID": payment.provider_order_id or f"DEMO-{payment.pk}",
              "ORDER_STATUS": "Processed", "ORDER_TOTAL_AMOUNT": str(payment.amount.amount),
              "ORDER_CURRENCY_CODE": str(payment.amount.currency),
              "CUSTOMER_EMAIL": m.customer.user.email, "TEST_MODE": "1",
              "ORDER_CUSTOM_FIELDS": f"x-migration_id={m.migration_id},x-payment_id={payment.pk}"}
    fields["SIGNATURE"] = ipn_signature(fields, validation_key())
    body = "&".join(f"{k}={v}" for k, v in fields.items())
    ipn_receive(raw_body=body, fields=fields, remote_addr="127.0.0.1", now=at)


def _orders(demo: _Demo, crowd: list[Customer], codes) -> list[str]:
    """Migrations in every status and kind, payments in every currency and state."""
    data = [c for c in crowd if c.uses_data_line]
    cms = [c for c in crowd if c.uses_cms_line]
    turn = Counter()

    def pick(line: str) -> Customer:
        pool = data if line == "data" else cms
        turn[line] += 1
        return pool[(turn[line] * 7) % len(pool)]

    made = []
    # Checkouts never completed: a payment's creation time is the real clock, so the
    # lapse job runs once just past the checkout hours, before any other checkout.
    for line in ("data", "cms", "data"):
        _checkout(demo, _confirmed(demo, pick(line), line, demo.ago(days=1)), demo.now)
    lapsed = billing.payments_lapse_due(
        now=demo.now + dt.timedelta(hours=settings.BILLING_CHECKOUT_HOURS, minutes=5))
    for line in ("data", "cms"):
        plans = DATA_PLANS if line == "data" else ["cms"]
        for i in range(2):
            _quote(demo, pick(line), line, plans[i % len(plans)])  # quoted
            _confirmed(demo, pick(line), line, demo.ago(days=1 + i))  # confirmed
            _checkout(demo, _confirmed(demo, pick(line), line, demo.ago(hours=5)),
                      demo.ago(hours=2 + i))  # pending card checkout
            m = _confirmed(demo, pick(line), line, demo.ago(days=2))
            billing.payment_cancel(payment=_checkout(demo, m, demo.ago(days=2)),
                                   actor=m.customer.user, now=demo.ago(days=2, hours=-1))
            # A wire transfer whose invoice waits for the funds, and one paid (BIL-2).
            _checkout(demo, _confirmed(demo, pick(line), line, demo.ago(days=2)),
                      demo.ago(days=2), PaymentMethod.WIRE)
            m = _confirmed(demo, pick(line), line, demo.ago(days=6))
            wire = _checkout(demo, m, demo.ago(days=6), PaymentMethod.WIRE)
            billing.invoice_record_funds(invoice=Invoice.objects.get(payment=wire),
                                         actor=demo.finance, now=demo.ago(days=4))
            _paid(demo, pick(line), line, demo.ago(days=4 + i), plans[(i + 1) % len(plans)])
            _verified(demo, _paid(demo, pick(line), line, demo.ago(days=3))[0],
                      demo.ago(days=2))  # access verified, waiting for the engine
            _running(demo, pick(line), line, demo.ago(days=2 + i), plans[i % len(plans)])
            m = _running(demo, pick(line), line, demo.ago(days=5))
            orders.migration_fail(migration=m, actor=None, now=demo.ago(days=4),
                                  reason="Target API rate limit exceeded", source="engine")
            _completed(demo, pick(line), line, demo.ago(days=1 + i), plans[i % len(plans)])
            # Completed 60 days ago: the archive sweep below ends its retention (ORD-15).
            _completed(demo, pick(line), line, demo.ago(days=60 + i))
            # BIL-4: paid 35 days ago and never started: the expiry sweep cancels it.
            _paid(demo, pick(line), line, demo.ago(days=35 + i))
            # ORD-2: free demos, requested, running, completed, failed and removed.
            for step in ("quoted", "running", "completed", "failed", "removed"):
                _demo_migration(demo, pick(line), line, step)
        m = _completed(demo, pick(line), line, demo.ago(days=4))
        if line == "cms":  # ORD-6: the customer accepted the result
            orders.migration_validate(migration=m, actor=m.customer.user, source="customer",
                                      now=demo.ago(days=2), note="Result accepted by the customer")
    # ORD-9: Signature's interval migration, paused by the customer.
    m = _running(demo, pick("data"), "data", demo.ago(days=2), "signature")
    orders.migration_pause(migration=m, actor=m.customer.user, now=demo.ago(hours=20))
    m = _completed(demo, pick("data"), "data", demo.ago(days=9), "signature")
    orders.migration_validate(migration=m, actor=m.customer.user, source="customer",
                              now=demo.ago(days=8))
    # BIL-7: discount codes redeemed at the Confirm Migration step.
    _paid(demo, pick("data"), "data", demo.ago(days=3), code="WELCOME10")
    _paid(demo, pick("cms"), "cms", demo.ago(days=2), code="WELCOME10")
    _confirmed(demo, pick("data"), "data", demo.ago(days=1), code="DATA20")
    _paid(demo, pick("data"), "data", demo.ago(days=5), code="ONCE15")
    _paid(demo, pick("cms"), "cms", demo.ago(days=1), code="PARTNER100")  # nothing to pay
    made.append("discount codes: 6 (WELCOME10 used twice, ONCE15 used up, PARTNER100 "
                "settled an order without a charge, one expired, one withdrawn)")
    if validation_key():  # the provider's notifications: a declined card, a chargeback
        m = _confirmed(demo, pick("data"), "data", demo.ago(days=1))
        _ipn(m, _checkout(demo, m, demo.ago(hours=20)), "4", demo.ago(hours=19))
        m, payment = _paid(demo, pick("cms"), "cms", demo.ago(days=12))
        _ipn(m, payment, "3", demo.ago(days=2))
    _refunds(demo, pick)
    expired = billing.payments_expire_due(now=demo.now)
    archived = orders.migrations_archive_due(now=demo.now)
    removed = orders.demos_remove_due(now=demo.now)
    made.append(f"beat jobs at now: {lapsed} checkouts lapsed, {expired} payments expired "
                f"(BIL-4), {archived} migrations archived, {removed} demos removed")
    return made


def _demo_migration(demo, customer, line, step) -> Migration:
    source, target_ = _platforms(demo, line)
    m = orders.demo_create(customer=customer, line=line, source=source, target=target_,
                           actor=customer.user)
    if step == "quoted":
        return m
    at = demo.ago(days=12 if step == "removed" else 1)
    orders.migration_start(migration=m, actor=None, now=at, source="engine")
    if step == "failed":
        return orders.migration_fail(migration=m, actor=None, reason="Source API timed out",
                                     now=at + dt.timedelta(minutes=20), source="engine")
    if step in ("completed", "removed"):
        orders.migration_complete(migration=m, actor=None, migrated=m.record_count, now=at
                                  + dt.timedelta(minutes=30), source="engine")
    return m


def _refunds(demo: _Demo, pick) -> None:
    """BIL-8..13: requests waiting, approved, paid out and denied."""
    for i, line in enumerate(("data", "cms", "data", "cms")):
        # Submitted: paid, not started — a full refund less the fee would be allowed.
        m, _ = _paid(demo, pick(line), line, demo.ago(days=6 + i))
        _request(demo, m, RefundReason.NOT_USED, demo.ago(days=1 + i))
        if i < 2:
            m, _ = _paid(demo, pick(line), line, demo.ago(days=8 + i))
            request = _request(demo, m, RefundReason.NOT_USED, demo.ago(days=5))
            refund = billing.refund_approve(request=request, actor=demo.finance,
                                            now=demo.ago(days=4))
            if i == 0:
                billing.refund_record_payout(refund=refund, actor=demo.finance,
                                             provider_reference=f"PP-REF-{refund.pk:05d}",
                                             now=demo.ago(days=3))
            m, _ = _paid(demo, pick(line), line, demo.ago(days=9 + i))
            request = _request(demo, m, RefundReason.NOT_USED, demo.ago(days=6))
            refund = billing.refund_approve(request=request, actor=demo.finance,
                                            now=demo.ago(days=5))
            billing.refund_record_payout(refund=refund, actor=demo.finance,
                                         provider_reference=f"PP-REF-{refund.pk:05d}",
                                         now=demo.ago(days=4))
            m = _completed(demo, pick(line), line, demo.ago(days=10 + i))
            request = _request(demo, m, RefundReason.NOT_USED, demo.ago(days=2))
            billing.refund_deny(request=request, actor=demo.finance, now=demo.ago(days=1),
                                reason="The migration ran to completion (BIL-10).")
    # BIL-9: a data corruption reported by the customer, waiting for the engineers.
    m = _completed(demo, pick("data"), "data", demo.ago(days=3))
    _request(demo, m, RefundReason.DATA_CORRUPTION, demo.ago(days=1))


def _request(demo, m, reason, at):
    return billing.refund_request_submit(
        customer=m.customer, migration=m, reason=reason, actor=m.customer.user, now=at,
        problem_first_reported_at=at - dt.timedelta(hours=4)
        if reason == RefundReason.DATA_CORRUPTION else None,
        description="We paid but will not use the migration after all."
        if reason == RefundReason.NOT_USED
        else "About 300 tickets lost their attachments on the target.")


# ---------------------------------------------------------------------------- tickets


def _start_at_share(demo: _Demo, plan, share: float) -> dt.datetime:
    """The receipt time at which ``share`` of the first-response target has run at
    ``now`` (business minutes on the plan's calendar): 0.8 is past the 70% warning,
    1.5 overdue. Found by bisection; the clock functions are the services' own."""
    engine = business_calendar(plan.calendar.slug)
    amount, unit = target(plan, Metric.FIRST_RESPONSE)
    lo, hi = demo.ago(days=90), demo.now

    def used(start):
        full = span_minutes(engine, unit, start, add_target(engine, start, amount, unit))
        return span_minutes(engine, unit, start, demo.now) / full if full else 0

    for _ in range(40):
        mid = lo + (hi - lo) / 2
        lo, hi = (lo, mid) if used(mid) < share else (mid, hi)
        if hi - lo < dt.timedelta(minutes=1):
            break
    return lo


def _open(demo, customer, line, at, *, channel=None, migration_id=""):
    subject = SUBJECTS[demo.rnd.randrange(len(SUBJECTS))]
    return support.ticket_create(
        customer=customer, line=line, subject=subject,
        channel=channel or (Channel.WEB if line == "cms" else demo.rnd.choice(
            [Channel.WEB, Channel.EMAIL, Channel.PHONE, Channel.CHAT])),
        description=DESCRIPTION.format(subject=subject.lower()),
        contact_phone=customer.phone if line == "data" else "", migration_id=migration_id,
        now=at)


def _between(a: dt.datetime, b: dt.datetime, share: float) -> dt.datetime:
    return a + (b - a) * share


def _tickets(demo: _Demo, crowd: list[Customer], near: list[Customer]) -> list[Ticket]:
    """Per customer and line a few tickets, taking turns through the scenarios; the
    customers ``near`` the termination right get only their SUP-9 breaches on the data
    line, so that their counts are exact."""
    scenarios = ["fresh", "risk70", "risk90", "breached", "late_reply", "answered",
                 "waiting", "excluded", "reopened", "final"]
    engineer = demo.engineer
    excluded: list[Ticket] = []
    turn = 0
    for customer in crowd:
        lines = [line for line, used in (("data", customer.uses_data_line
                                          and customer not in near),
                                         ("cms", customer.uses_cms_line)) if used]
        for line in lines:
            plan = customer_plan(customer=customer, line=line)
            for _ in range(3):
                kind = scenarios[turn % len(scenarios)]
                turn += 1
                share = {"fresh": 0.3, "risk70": 0.8, "risk90": 0.95, "breached": 1.6,
                         "late_reply": 1.4, "answered": 0.6, "waiting": 0.5,
                         "excluded": 1.8}.get(kind)
                at = _start_at_share(demo, plan, share) if share else demo.ago(days=9)
                ticket = _open(demo, customer, line, at)
                if kind in ("late_reply", "answered"):
                    support.ticket_reply(ticket=ticket, actor=engineer, now=demo.ago(minutes=2)
                                         if kind == "late_reply" else _between(at, demo.now, .3),
                                         body="Thanks, we are looking into it; first findings "
                                              "follow within the day.")
                if kind == "answered":
                    support.ticket_customer_message(
                        ticket=ticket, body="Thanks! One more detail: it happens on the "
                        "archived tickets only.", now=_between(at, demo.now, .5))
                elif kind == "waiting":
                    support.ticket_clarify(ticket=ticket, actor=engineer, item="migration_id",
                                           question="Which migration ID does this concern?",
                                           now=_between(at, demo.now, .5))
                elif kind == "excluded":
                    excluded.append(ticket)
                elif kind in ("reopened", "final"):
                    _conversation(demo, ticket, at, reopen=kind == "reopened")
    # A forum question carries no response time (SUP-1).
    cms = next(c for c in crowd if c.uses_cms_line)
    _open(demo, cms, "cms", demo.ago(days=2), channel=Channel.FORUM)
    return excluded


def _conversation(demo, ticket, at, *, reopen: bool) -> None:
    h = dt.timedelta(hours=1)
    support.ticket_reply(ticket=ticket, actor=demo.engineer, now=at + h,
                         body="Could you send a screenshot of the error?")
    support.ticket_customer_message(ticket=ticket, now=at + 3 * h,
                                    body="Here it is: the importer says 'Record rejected'.")
    support.ticket_add_note(ticket=ticket, actor=demo.engineer, now=at + 4 * h,
                            body="Target rejects tickets with an empty requester; re-run.")
    support.ticket_reply(ticket=ticket, actor=demo.engineer, now=at + 5 * h,
                         body="Fixed: we re-ran the affected records. Please check.")
    support.ticket_close(ticket=ticket, actor=demo.engineer, now=at + 6 * h,
                         note="Solved: the affected records were migrated again.")
    if reopen:  # SUP-14: the customer writes again; a new response cycle starts
        support.ticket_customer_message(ticket=ticket, now=demo.ago(minutes=30),
                                        body="Sorry, the problem is back for 12 tickets.")


def _termination(demo: _Demo, crowd: list[Customer]) -> list[str]:
    """SUP-9: three data-line customers at the limit minus one, at the limit and over it —
    their breaches missed this month (Kyiv), recorded by the sweep."""
    limit = SupportSettings.load().termination_breach_limit
    made = []
    for customer, breaches in zip(crowd, (limit - 1, limit, limit + 1), strict=True):
        plan = customer_plan(customer=customer, line="data")
        for n in range(breaches):
            _open(demo, customer, "data", _start_at_share(demo, plan, 1.05 + n / 100))
        made.append(f"{customer.organisation}: {breaches} data-line breaches this month "
                    f"(limit {limit})")
    return made


def _warnings_when_due(demo: _Demo) -> int:
    """SUP-7: the warning sweep as beat ran it at each moment a 70%/90% threshold
    passed (inside the calendar's hours, where the thresholds fall), oldest first."""
    moments = sorted({at for pair in Ticket.objects.filter(next_due_at__gt=demo.now)
                      .values_list("warn_first_at", "warn_second_at")
                      for at in pair if at is not None and at <= demo.now})
    return sum(warnings_send_due(now=at) for at in moments)


# ------------------------------------------------------------------------------- entry


@transaction.atomic
def seed_crowd(*, managers, engineer, finance, now=None) -> list[str]:
    """Make the crowd and its records; returns what was made, one line each."""
    if crowd_present():
        return []
    demo = _Demo(now=now or timezone.now(), managers=managers, engineer=engineer,
                 finance=finance)
    _exchange_rates(demo)
    codes = _discount_codes(demo)
    crowd = _register_crowd(demo)
    made = [f"{len(crowd)} customers, Demo Customer {FIRST:02d} … {LAST:02d} (c{FIRST:02d} … "
            f"c{LAST:02d} at {EMAIL.partition('@')[2]})"]
    made += _orders(demo, crowd, codes)
    near = [c for c in crowd if c.uses_data_line][-3:]
    excluded = _tickets(demo, crowd, near)
    made += _termination(demo, near)
    warned = _warnings_when_due(demo)
    swept = support.sla_sweep(now=demo.now)
    for ticket in excluded:
        for breach in Breach.objects.filter(ticket=ticket):
            support.breach_exclude(breach=breach, actor=demo.managers[0], now=demo.now,
                                   reason=ExclusionReason.CONFIG_CHANGED,
                                   note="Workflow changed on the source mid-migration.")
    made.append(f"SLA sweep at now: {swept['breaches']} breaches recorded, "
                f"{warned + swept['warnings']} warnings sent (SUP-7, at the moments they fell due)")
    made += summary()
    return made


def summary() -> list[str]:
    from billing.models import RefundRequest

    def counts(qs, field) -> str:
        rows = Counter(qs.values_list(field, flat=True))
        return ", ".join(f"{k} {v}" for k, v in sorted(rows.items()))

    return [
        f"tickets: {counts(Ticket.objects, 'status')}",
        f"migrations: {counts(Migration.objects, 'status')}",
        f"payments: {counts(Payment.objects, 'status')}",
        f"payment currencies: {counts(Payment.objects, 'amount_currency')}",
        f"refund requests: {counts(RefundRequest.objects, 'status')}",
        f"breaches: {Breach.objects.count()} ({Breach.objects.filter(excluded=True).count()} "
        "excluded)",
    ]
