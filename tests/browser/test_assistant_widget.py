"""The chat widget in a real headless Chromium, at phone width, under a strict CSP."""

import shutil

import pytest

from ai.models import Knowledge
from myhibachi.seeding.knowledge import KNOWLEDGE
from tests.identity.factories import StationFactory
from tests.ops.factories import ChefFactory
from tests.pricing.factories import PricingPolicyFactory, create_menu

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine"),
]
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'"


@pytest.fixture
def assistant_data(db) -> None:
    PricingPolicyFactory()
    create_menu()
    ChefFactory.create_batch(2, station=StationFactory())
    Knowledge.objects.bulk_create([Knowledge(title=t, category=c, body=b) for t, c, b in KNOWLEDGE])


@pytest.fixture
def phone_page(live_server, assistant_data):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 390, "height": 844})
        violations: list[str] = []
        page.on(
            "console",
            lambda message: violations.append(message.text) if "Content Security" in message.text else None,
        )

        def with_strict_csp(route):
            response = route.fetch()
            route.fulfill(
                response=response, headers={**response.headers, "content-security-policy": STRICT_CSP}
            )

        page.route(f"{live_server.url}/assistant/demo/", with_strict_csp)
        page.goto(f"{live_server.url}/assistant/demo/")
        yield page, violations
        browser.close()


def test_the_widget_answers_by_keyboard_on_a_phone_under_a_strict_csp(phone_page):
    page, violations = phone_page

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "mh-assistant__toggle"
    page.keyboard.press("Enter")
    page.wait_for_selector(".mh-assistant__message--assistant")
    assert page.evaluate("document.activeElement.id") == "mh-assistant-input"
    page.keyboard.type("How much for 10 adults and 2 kids in 94539?")
    page.keyboard.press("Enter")

    page.wait_for_selector(".mh-assistant__message--assistant >> nth=1")
    answer = page.locator(".mh-assistant__message--assistant").nth(1).inner_text()
    assert "$610" in answer
    assert page.locator(".mh-assistant__message--user").count() == 1
    assert page.get_attribute(".mh-assistant__log", "aria-live") == "polite"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.keyboard.press("Escape")
    assert page.is_hidden(".mh-assistant__panel")
    assert page.evaluate("document.activeElement.className") == "mh-assistant__toggle"
    assert violations == []


def test_a_staff_reply_reaches_the_open_widget_by_polling(phone_page, monkeypatch):
    from django.db import connections

    from ai.models import Conversation
    from ai.services import conversation_staff_reply
    from audit.actor import Actor

    # Playwright's sync API runs an event loop in this thread; the ORM call below is still
    # synchronous code in a test, which Django allows with this switch.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page, _violations = phone_page
    page.click(".mh-assistant__toggle")
    page.wait_for_selector(".mh-assistant__message--assistant")

    conversation_staff_reply(
        conversation=Conversation.objects.get(), content="Hi, Sam from our team here!", actor=Actor.system()
    )
    connections.close_all()  # the connection opened in Playwright's context, not the test's

    page.wait_for_selector(".mh-assistant__message--staff", timeout=15_000)  # polled every 5 s
    assert "Sam from our team" in page.locator(".mh-assistant__message--staff").inner_text()
