import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from slaportal.accounts.roles import Role
from slaportal.calendars import deadlines
from slaportal.calendars.models import BusinessCalendar, Closure, OpeningRange
from slaportal.calendars.selectors import business_calendar, upcoming_closures
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
KYIV = ZoneInfo("Europe/Kyiv")
SEEDED = ["cms-desk", "cms-tech", "data-delta-window", "data-extended", "data-standard"]


@pytest.fixture
def manager_client(client):
    client.force_login(StaffFactory(role=Role.ACCOUNT_MANAGERS))
    return client


@pytest.fixture
def recorded(monkeypatch):
    """Every CAL-8 recompute request, as the set of calendar slugs it named."""
    calls: list[frozenset[str]] = []
    monkeypatch.setitem(deadlines._owners, "test.recorder",
                        lambda slugs, cause="": calls.append(slugs) or 0)
    return calls


def test_seeded_calendars_have_the_hours_of_cal_6():
    """CAL-6/CAL-5: five calendars in Europe/Kyiv with their weekly ranges."""
    assert sorted(BusinessCalendar.objects.values_list("slug", flat=True)) == SEEDED
    assert set(BusinessCalendar.objects.values_list("timezone", flat=True)) == {"Europe/Kyiv"}
    extended = business_calendar("data-extended")
    assert extended.weekly_text() == {
        0: "08:00-24:00", 1: "08:00-24:00", 2: "08:00-24:00", 3: "08:00-24:00",
        4: "08:00-24:00", 5: "12:00-20:00", 6: "12:00-20:00",
    }
    # Friday 22:00 + 6 business hours = Saturday 16:00 (2 h on Friday, 4 h on Saturday).
    friday = dt.datetime(2026, 11, 20, 22, 0, tzinfo=KYIV)
    assert extended.add_hours(friday, 6) == dt.datetime(2026, 11, 21, 16, 0, tzinfo=KYIV)
    assert business_calendar("cms-desk").add_hours(
        dt.datetime(2026, 11, 19, 23, 30, tzinfo=KYIV), 1
    ) == dt.datetime(2026, 11, 20, 0, 30, tzinfo=KYIV)


@pytest.mark.parametrize("slug", SEEDED)
def test_year_view_renders_every_closed_day_with_its_reason(manager_client, slug):
    """CAL-2/CAL-3: the year view lists holidays, observed and substituted days."""
    calendar = BusinessCalendar.objects.get(slug=slug)
    url = reverse("admin:calendars_businesscalendar_year", args=[calendar.pk])
    response = manager_client.get(url, {"year": 2019})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2019-04-29" in body  # Easter 2019-04-28 moved to Monday
    assert "Holiday moved from a day off (observed)" in body
    assert "Business days in 2019" in body


def test_year_view_shows_what_each_policy_closes_in_2026(manager_client):
    """CAL-3: statutory closes no holiday in 2026; the traditional policy closes them."""
    calendar = BusinessCalendar.objects.get(slug="data-standard")
    url = reverse("admin:calendars_businesscalendar_year", args=[calendar.pk])
    body = manager_client.get(url, {"year": 2026}).content.decode()
    assert "Closed only under the traditional policy" in body
    assert "2026-01-01" in body
    calendar.holiday_policy = "traditional"
    calendar.save()
    BusinessCalendar.objects.filter(pk=calendar.pk).update(version=calendar.version + 1)
    body = manager_client.get(url, {"year": 2026}).content.decode()
    assert "Closed by the traditional policy" in body


@pytest.mark.parametrize("slug", SEEDED)
def test_calculator_answers_when_it_is_due(manager_client, slug):
    """CAL-7: start + duration -> deadline for each seeded calendar."""
    calendar = BusinessCalendar.objects.get(slug=slug)
    url = reverse("admin:calendars_businesscalendar_calculator", args=[calendar.pk])
    response = manager_client.get(
        url, {"start": "2026-11-20T22:00", "amount": 6, "unit": "business_hours"}
    )
    assert response.status_code == 200
    expected = business_calendar(slug).add_hours(
        dt.datetime(2026, 11, 20, 22, 0, tzinfo=KYIV), 6
    )
    assert f"Due {expected:%A} {expected.day} {expected:%B %Y, %H:%M}" in response.content.decode()
    # Issue 16: the UTC line is UTC, not Kyiv time again.
    assert f"That is {expected.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC." in response.content.decode()


def test_calculator_rejects_bad_input_with_a_message(manager_client):
    calendar = BusinessCalendar.objects.get(slug="cms-tech")
    url = reverse("admin:calendars_businesscalendar_calculator", args=[calendar.pk])
    response = manager_client.get(url, {"start": "yesterday", "amount": -3, "unit": "weeks"})
    body = response.content.decode()
    assert "Enter a valid date/time." in body
    assert "Ensure this value is greater than or equal to 0." in body
    assert "Select a valid choice." in body
    assert "calculator-result" not in body


def test_saving_a_closure_in_the_admin_closes_the_day_and_recomputes_once(
    manager_client, recorded, django_capture_on_commit_callbacks
):
    """CAL-4/CAL-8: a closure is a non-business day; saving it recomputes deadlines once."""
    tech = BusinessCalendar.objects.get(slug="cms-tech")
    monday = dt.datetime(2026, 11, 23, 11, 0, tzinfo=KYIV)
    assert business_calendar("cms-tech").is_open(monday)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("admin:calendars_closure_add"),
            {"calendar": tech.pk, "starts_on": "2026-11-23", "ends_on": "2026-11-23",
             "public_note": "Office move"},
        )
    assert response.status_code == 302
    assert recorded == [frozenset({"cms-tech"})]
    assert not business_calendar("cms-tech").is_open(monday)
    assert business_calendar("data-standard").is_open(monday)  # other calendars untouched
    closure = Closure.objects.get()
    assert closure.created_by.groups.get().name == Role.ACCOUNT_MANAGERS
    assert list(upcoming_closures(today=dt.date(2026, 11, 21), calendar_slugs=["cms-tech"])) == [
        closure
    ]


def test_closure_for_every_calendar_recomputes_all_of_them(
    manager_client, recorded, django_capture_on_commit_callbacks
):
    """CAL-4/CAL-8: a closure with no calendar closes them all."""
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(
            reverse("admin:calendars_closure_add"),
            {"starts_on": "2026-12-24", "ends_on": "2026-12-26", "public_note": "Winter break"},
        )
    assert recorded == [frozenset(SEEDED)]
    for slug in SEEDED:
        assert not business_calendar(slug).is_business_day(dt.date(2026, 12, 24))


def test_closure_ending_before_it_starts_is_refused_and_nothing_saved(manager_client, recorded):
    response = manager_client.post(
        reverse("admin:calendars_closure_add"),
        {"starts_on": "2026-12-24", "ends_on": "2026-12-20", "public_note": "Oops"},
    )
    assert response.status_code == 200
    assert "A closure cannot end before it starts." in response.content.decode()
    assert not Closure.objects.exists()
    assert recorded == []


def test_editing_hours_in_the_admin_changes_the_engine_and_recomputes(
    admin_client, recorded, django_capture_on_commit_callbacks
):
    """CAL-8: changing a calendar's hours recomputes the deadlines on it."""
    calendar = BusinessCalendar.objects.get(slug="data-delta-window")
    ranges = list(calendar.opening_ranges.order_by("weekday"))
    data = {
        "name": calendar.name, "slug": calendar.slug, "timezone": "Europe/Kyiv",
        "holiday_policy": "statutory", "description": "",
        "opening_ranges-TOTAL_FORMS": len(ranges), "opening_ranges-INITIAL_FORMS": len(ranges),
        "opening_ranges-MIN_NUM_FORMS": 0, "opening_ranges-MAX_NUM_FORMS": 1000,
    }
    for i, r in enumerate(ranges):
        data.update({
            f"opening_ranges-{i}-id": r.pk, f"opening_ranges-{i}-calendar": calendar.pk,
            f"opening_ranges-{i}-weekday": r.weekday,
            f"opening_ranges-{i}-start_minute": "09:00",
            f"opening_ranges-{i}-end_minute": "24:00" if r.weekday == 4 else "21:00",
        })
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:calendars_businesscalendar_change", args=[calendar.pk]), data
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert recorded == [frozenset({"data-delta-window"})]
    assert OpeningRange.objects.get(calendar=calendar, weekday=4).end_minute == 1440
    friday_late = dt.datetime(2026, 11, 20, 23, 0, tzinfo=KYIV)
    assert business_calendar("data-delta-window").is_open(friday_late)


def test_bad_hours_are_refused_inline(admin_client):
    calendar = BusinessCalendar.objects.get(slug="cms-tech")
    r = calendar.opening_ranges.first()
    data = {
        "name": calendar.name, "slug": calendar.slug, "timezone": "Mars/Olympus",
        "holiday_policy": "statutory", "description": "",
        "opening_ranges-TOTAL_FORMS": 1, "opening_ranges-INITIAL_FORMS": 1,
        "opening_ranges-MIN_NUM_FORMS": 0, "opening_ranges-MAX_NUM_FORMS": 1000,
        "opening_ranges-0-id": r.pk, "opening_ranges-0-calendar": calendar.pk,
        "opening_ranges-0-weekday": r.weekday,
        "opening_ranges-0-start_minute": "19:00", "opening_ranges-0-end_minute": "25:00",
    }
    response = admin_client.post(
        reverse("admin:calendars_businesscalendar_change", args=[calendar.pk]), data
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "is not an IANA time zone" in body
    assert "00:00..24:00" in body
    assert OpeningRange.objects.get(pk=r.pk).end_minute == 19 * 60


def test_recompute_task_calls_every_registered_owner(recorded):
    """CAL-8: the task asks each registered owner, with the changed slugs."""
    from slaportal.calendars.tasks import recompute_deadlines

    result = recompute_deadlines.delay(["cms-tech"]).get()
    assert recorded == [frozenset({"cms-tech"})]
    assert result["test.recorder"] == 0


def test_a_closure_records_its_recompute_with_progress_result_and_cause(
    admin_client, recorded, django_capture_on_commit_callbacks
):
    """CAL-8: each calendar change queues one recompute; its cause, progress and the
    deadlines each owner recomputed are shown on the calendar's admin page."""
    from slaportal.calendars.models import RecomputeRun

    tech = BusinessCalendar.objects.get(slug="cms-tech")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:calendars_closure_add"), {
            "calendar": tech.pk, "starts_on": "2026-11-23", "ends_on": "2026-11-24",
            "public_note": "Office move"})
    run = RecomputeRun.objects.get()
    assert run.calendar_slugs == ["cms-tech"] and run.cause == "New closure 2026-11-23–2026-11-24"
    assert run.status == RecomputeRun.Status.DONE and run.owners_done == run.owners_total >= 1
    assert run.result["test.recorder"] == 0 and run.requested_by.is_superuser
    page = admin_client.get(reverse("admin:calendars_businesscalendar_change", args=[tech.pk]))
    html = page.content.decode()
    assert "New closure 2026-11-23–2026-11-24" in html and "test.recorder: 0" in html
    assert admin_client.get(reverse("admin:calendars_recomputerun_changelist")).status_code == 200


def test_a_failed_recompute_is_recorded_with_its_error(monkeypatch):
    """CAL-8: an owner that fails marks the run failed with the error, for staff to see."""
    from slaportal.calendars.models import RecomputeRun
    from slaportal.calendars.services import recompute_run

    def broken(slugs, cause=""):
        raise RuntimeError("database went away")

    monkeypatch.setitem(deadlines._owners, "test.broken", broken)
    run = RecomputeRun.objects.create(calendar_slugs=["cms-tech"], queued_at=dt.datetime(
        2026, 11, 23, tzinfo=KYIV))
    with pytest.raises(RuntimeError):
        recompute_run(calendar_slugs=["cms-tech"], run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RecomputeRun.Status.FAILED and "database went away" in run.error
