import pytest

from tests.staff_panel import demo_database


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo seed (Fremont and Sacramento, one login per role), once per module."""
    with demo_database(django_db_blocker):
        yield
