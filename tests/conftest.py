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


@pytest.fixture
def sandbox(settings):
    """The provider's checkout played offline (debug's sandbox), test-mode notifications
    accepted, no signature key."""
    settings.PAYPRO_SANDBOX = True
    settings.PAYPRO_ALLOW_TEST_MODE = True
    settings.PAYPRO_IPN_VALIDATION_KEY = ""


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    # Tests marked `postgres` need PostgreSQL's row locks; skip them elsewhere.
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
