"""Transactional tests flush the database; the seeded rows come back for the next test."""

import pytest
from django.contrib.auth.models import Group

from slaportal.calendars.models import BusinessCalendar


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_seeded_rows():
    assert BusinessCalendar.objects.filter(slug="data-extended").exists()
    BusinessCalendar.objects.all().update(name="changed")


@pytest.mark.django_db(transaction=True)
def test_the_next_test_still_finds_them():
    assert BusinessCalendar.objects.filter(slug="data-extended", name__contains="16/5").exists()
    assert Group.objects.filter(name="Finance").exists()
