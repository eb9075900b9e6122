from tests.support.conftest import customer, engineer, manager, open_ticket  # noqa: F401
