import datetime as dt

import pytest

from orders import services
from orders.choices import AccessSide, PackageItem
from orders.errors import OrderError
from orders.models import Migration, ServicePackage
from slaportal.calendars.deadlines import deadline_owners

from .conftest import kyiv, verify_access

pytestmark = pytest.mark.django_db
# Fri 2021-08-20; Mon 23 (substituted day off) and Tue 24 (Independence Day) are closed,
# Sat 28 is worked in exchange (CAL-2). cms-tech: Mon–Fri 11:00–19:00.
VERIFIED = kyiv(2021, 8, 20, 12)


@pytest.fixture
def paid_package(order, manager):
    def build(tier="basic", records=900, assisted=None):
        m = order(line="cms", plan_code="cms", records=records, package_tier=tier,
                  assisted_tier=assisted)
        services.migration_confirm(migration=m, actor=manager, now=VERIFIED)
        services.migration_mark_paid(migration=m, actor=manager, now=VERIFIED)
        verify_access(m, manager, VERIFIED)
        return m

    return build


def test_package_due_in_business_days_across_holidays(paid_package):
    """ORD-12: Basic = 7 business days on cms-tech from access verification; the
    holidays of 23–24 Aug 2021 do not count, the worked Saturday does."""
    m = paid_package()
    assert ServicePackage.objects.get(migration=m).due_at == kyiv(2021, 9, 1, 12)


def test_package_due_moves_by_the_time_access_was_failing(paid_package, manager):
    """ORD-12: while access fails the due date moves by the (business) time lost."""
    m = paid_package()
    source = m.access_details.get(side=AccessSide.SOURCE)
    services.access_fail(detail=source, actor=manager, reason="Password changed",
                         now=kyiv(2021, 8, 25, 17))
    services.access_verify(detail=source, actor=manager, now=kyiv(2021, 8, 26, 13))
    # 17:00–19:00 on Wed + 11:00–13:00 on Thu = 4 business hours lost
    assert ServicePackage.objects.get(migration=m).due_at == kyiv(2021, 9, 1, 16)


def test_package_failure_spanning_the_holiday_counts_only_business_time(paid_package,
                                                                          manager):
    """ORD-12: time lost is business time — a failure over the closed days costs only
    the open hours in it."""
    m = paid_package()
    source = m.access_details.get(side=AccessSide.SOURCE)
    services.access_fail(detail=source, actor=manager, reason="Host down",
                         now=kyiv(2021, 8, 20, 18))
    services.access_verify(detail=source, actor=manager, now=kyiv(2021, 8, 25, 12))
    # Fri 18–19 (1 h) + Wed 11–12 (1 h) = 2 h; the weekend and 23–24 Aug are closed
    assert ServicePackage.objects.get(migration=m).due_at == kyiv(2021, 9, 1, 14)


def test_ultimate_date_is_set_by_the_manager(paid_package, manager):
    """ORD-12: Ultimate (over 100,000 pages) has no computed date; the manager sets it."""
    m = paid_package(tier="ultimate", records=150_000)
    package = ServicePackage.objects.get(migration=m)
    assert package.due_at is None
    services.package_set_due(package=package, due_at=kyiv(2021, 10, 29, 18), actor=manager)
    assert ServicePackage.objects.get(pk=package.pk).due_at == kyiv(2021, 10, 29, 18)
    basic = ServicePackage.objects.get(migration=paid_package())
    with pytest.raises(OrderError, match="Ultimate"):
        services.package_set_due(package=basic, due_at=kyiv(2021, 10, 1, 12), actor=manager)


def test_package_hours_and_checklist(paid_package, manager):
    """ORD-12: limits, hours and the eight inclusions tracked as a checklist."""
    package = ServicePackage.objects.get(migration=paid_package(tier="extended", records=4000))
    assert package.hours_included == 10
    assert set(package.checklist.values_list("item", flat=True)) == set(PackageItem.values)
    services.package_item_done(package=package, item=PackageItem.SETUP, actor=manager)
    assert package.checklist.get(item=PackageItem.SETUP).done_by == manager


def test_package_counts_as_performed_30_days_after_validation(paid_package, manager):
    """ORD-12: 30 days after validation with no modification requested."""
    package = ServicePackage.objects.get(migration=paid_package())
    validated = kyiv(2021, 9, 10, 12)
    services.package_validate(package=package, actor=manager, now=validated)
    assert services.packages_auto_accept(now=validated + dt.timedelta(days=30, seconds=-1)) == 0
    assert services.packages_auto_accept(now=validated + dt.timedelta(days=30)) == 1
    assert services.packages_auto_accept(now=validated + dt.timedelta(days=31)) == 0
    assert ServicePackage.objects.get(pk=package.pk).performed_at


def test_modification_request_holds_the_auto_acceptance(paid_package, manager):
    """ORD-12: only with no modification requested."""
    package = ServicePackage.objects.get(migration=paid_package())
    services.package_validate(package=package, actor=manager, now=kyiv(2021, 9, 10, 12))
    services.packages.package_modification_requested(package=package, actor=manager)
    assert services.packages_auto_accept(now=kyiv(2021, 11, 1, 12)) == 0


@pytest.mark.parametrize("tier, due", [
    ("basic", kyiv(2021, 8, 27, 12)),       # 3 business days on cms-tech
    ("standard", kyiv(2021, 8, 27, 12)),
    ("premium", kyiv(2021, 8, 25, 12)),     # 24 business hours on cms-desk (Mon–Fri 24 h)
])
def test_assisted_migration_due_from_access_confirmation(paid_package, tier, due):
    """ORD-11: Basic/Standard within 3 business days, Premium within 24 hours."""
    m = paid_package(assisted=tier)
    assert Migration.objects.get(pk=m.pk).assisted.due_at == due


def test_package_due_dates_registered_for_calendar_changes(paid_package):
    """CAL-8: orders registers an owner that recomputes open package due dates."""
    m = paid_package()
    ServicePackage.objects.filter(migration=m).update(due_at=None)
    owner = deadline_owners()["orders.packages"]
    assert owner(frozenset({"data-standard"})) == 0
    assert owner(frozenset({"cms-tech"})) == 1
    assert ServicePackage.objects.get(migration=m).due_at == kyiv(2021, 9, 1, 12)


def test_announced_closure_moves_open_package_due_dates(paid_package,
                                                         django_capture_on_commit_callbacks):
    """CAL-8/CAL-4: a day off announced on cms-tech moves the open package's due date."""
    from slaportal.calendars.models import BusinessCalendar, Closure
    from slaportal.calendars.services import closure_save

    m = paid_package()
    closure = Closure(calendar=BusinessCalendar.objects.get(slug="cms-tech"),
                      starts_on=dt.date(2021, 8, 26), ends_on=dt.date(2021, 8, 26),
                      public_note="Office move")
    with django_capture_on_commit_callbacks(execute=True):
        closure_save(closure=closure)
    assert ServicePackage.objects.get(migration=m).due_at == kyiv(2021, 9, 2, 12)


def test_assisted_clock_waits_for_the_payment_when_access_came_first(order, manager):
    """ORD-11: access details confirmed before the order is paid do not start the
    assisted migration's clock; the payment does, from its own moment."""
    m = order(line="cms", plan_code="cms", records=900, assisted_tier="basic")
    services.migration_confirm(migration=m, actor=manager, now=VERIFIED)
    verify_access(m, manager, VERIFIED)
    assert Migration.objects.get(pk=m.pk).assisted.due_at is None
    paid = kyiv(2021, 8, 25, 12)  # Wed, after the two closed days
    services.migration_mark_paid(migration=m, actor=manager, now=paid)
    # 3 business days on cms-tech: Thu 26, Fri 27 and the worked Saturday 28 (CAL-2).
    assert Migration.objects.get(pk=m.pk).assisted.due_at == kyiv(2021, 8, 28, 12)


def test_account_manager_ticks_the_checklist_in_the_admin(paid_package, manager, client):
    """ORD-12/ACC-2: on the package's admin page an account manager ticks an inclusion
    done; who and when are recorded by the service, and a done item stays done."""
    from django.urls import reverse
    from django.utils import timezone

    package = ServicePackage.objects.get(migration=paid_package())
    client.force_login(manager)
    url = reverse("admin:orders_servicepackage_change", args=[package.pk])
    page = client.get(url)
    assert page.status_code == 200
    formset = page.context["inline_admin_formsets"][0].formset
    rows = list(package.checklist.order_by("pk"))
    local_due = timezone.localtime(package.due_at)
    data = {
        "extra_hours_approved": str(package.extra_hours_approved),
        "due_at_0": local_due.strftime("%Y-%m-%d"), "due_at_1": local_due.strftime("%H:%M:%S"),
        f"{formset.prefix}-TOTAL_FORMS": len(rows), f"{formset.prefix}-INITIAL_FORMS": len(rows),
        f"{formset.prefix}-MIN_NUM_FORMS": 0, f"{formset.prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data[f"{formset.prefix}-{i}-id"] = row.pk
        data[f"{formset.prefix}-{i}-package"] = package.pk
    data[f"{formset.prefix}-0-done"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    first = package.checklist.get(pk=rows[0].pk)
    assert first.done_by == manager and first.done_at is not None
    assert package.checklist.filter(done_at__isnull=False).count() == 1
    again = client.post(url, {**data, f"{formset.prefix}-0-done": ""})
    assert again.status_code == 302
    assert package.checklist.get(pk=rows[0].pk).done_at == first.done_at  # done stays done


def test_manager_records_failing_access_in_the_admin_and_the_customer_is_told(
    paid_package, manager, client, django_capture_on_commit_callbacks
):
    """ORD-12/ORD-14: from the migration's admin page an account manager records that
    the source access fails; the customer sees it on their migration page and gets an
    e-mail; bad input is refused inline and records nothing."""
    from django.core import mail
    from django.urls import reverse

    from orders.models import AccessFailure

    m = paid_package()
    client.force_login(manager)
    change = client.get(reverse("admin:orders_migration_change", args=[m.pk]))
    url = reverse("admin:orders_migration_access_failing", args=[m.pk])
    assert url in change.content.decode()
    blank = client.post(url, {"side": AccessSide.SOURCE, "reason": "   "})
    assert blank.status_code == 200 and "Say what fails" in blank.content.decode()
    assert not AccessFailure.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"side": AccessSide.SOURCE,
                                 "reason": "The admin password was changed"})
    assert done.status_code == 302
    failure = AccessFailure.objects.get()
    assert failure.reason == "The admin password was changed" and failure.ended_at is None
    assert mail.outbox[-1].to == [m.customer.user.email]
    client.force_login(m.customer.user)
    page = client.get(reverse("orders:detail", args=[m.migration_id])).content.decode()
    assert "failing" in page and "The admin password was changed" in page
