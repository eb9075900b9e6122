import pytest
from django.db import connection

from slaportal.celery import app as celery_app


@pytest.fixture(autouse=True)
def _fast_and_eager(settings):
    """Fast password hashing; Celery tasks run in-process unless a test says otherwise."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


def _keep_seeded_rows(item) -> None:
    """A transactional test empties every table when it ends; the rows that data
    migrations seed (roles, calendars, plans, catalogue) are restored from the
    serialized copy so that later tests still find them."""
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        kwargs = dict(marker.kwargs)
        transactional = kwargs.get("transaction") or (marker.args and marker.args[0])
    else:
        kwargs = {}
        transactional = bool({"live_server", "transactional_db"} & set(item.fixturenames))
    if transactional and not kwargs.get("serialized_rollback"):
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


def pytest_collection_modifyitems(config, items):
    for item in items:
        _keep_seeded_rows(item)
    if connection.vendor == "postgresql":
        return
    # Tests marked `postgres` need PostgreSQL's row locks; skip them elsewhere.
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
