from collections.abc import Iterator

import pytest

from core.notifications import sms


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[sms.SentSms]]:
    """The recording SMS gateway's outbox, empty at the start of each test."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _marketing_settings(settings) -> None:
    settings.SITE_URL = "https://api.myhibachi.test"
    settings.CUSTOMER_SITE_URL = "https://myhibachi.test"
    settings.STAFF_ALERT_EMAILS = ["ops@myhibachi.test"]
    settings.SUPPORT_EMAIL = "hello@myhibachi.test"
    settings.UNSUBSCRIBE_MAILTO = "unsubscribe@myhibachi.test"
