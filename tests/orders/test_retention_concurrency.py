import datetime as dt
import threading

import pytest
from django.db import connection

from orders import services
from orders.choices import MigrationStatus as S
from orders.models import Migration, MigrationEvent

from .conftest import kyiv

DONE = kyiv(2026, 3, 2, 12)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retention_runs_archive_each_once(completed):
    """ORD-15: two workers at once (skip_locked) archive every migration exactly once."""
    migrations = [completed(plan_code="standard", completed_at=DONE) for _ in range(12)]
    results, barrier = [], threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(services.migrations_archive_due(now=DONE + dt.timedelta(days=6)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 12
    assert Migration.objects.filter(status=S.ARCHIVED).count() == 12
    for m in migrations:
        assert MigrationEvent.objects.filter(migration=m, to_status=S.ARCHIVED).count() == 1
