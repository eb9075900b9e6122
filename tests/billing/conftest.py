import pytest

CONTRACT = ("migration_confirm", "migration_mark_paid", "migration_payment_cancelled",
            "migration_stop", "migration_started")


def _missing() -> list[str]:
    try:
        from orders import services
    except ImportError:
        return list(CONTRACT)
    return [name for name in CONTRACT if not hasattr(services, name)]


@pytest.fixture
def orders_contract():
    """Marks the tests that go through the orders services billing calls (the contract
    in billing/orders_api.py); skips them if that contract is not in the tree."""
    missing = _missing()
    if missing:
        pytest.skip(f"needs orders.services {missing}")
