"""Gap-free numbers per series and year (invoices, credit notes)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from ..models import NumberSequence


@transaction.atomic
def number_take(*, series: str, year: int) -> tuple[int, str]:
    """The next number of a series, e.g. (123, "INV-2026-000123").

    The counter row is locked (``select_for_update``) until the caller's transaction
    ends, so concurrent takers wait and a rollback returns the number: no gap, no twin.
    """
    try:
        with transaction.atomic():
            NumberSequence.objects.get_or_create(series=series, year=year)
    except IntegrityError:  # a concurrent first taker created the row
        pass
    row = NumberSequence.objects.select_for_update().get(series=series, year=year)
    NumberSequence.objects.filter(pk=row.pk).update(last_value=F("last_value") + 1)
    row.refresh_from_db(fields=["last_value"])
    return row.last_value, f"{series}-{year}-{row.last_value:06d}"
