from tests.identity.staff import demo, login  # noqa: F401 - fixtures
