"""The customer's whole journey in a real headless Chromium, at a phone and a desktop size:
quote -> book -> pay the deposit (fake gateway) -> confirmation -> the manage link from the email
-> reschedule -> change the party -> proteins -> pay the balance with a tip -> cancel; the quote
and booking forms with JavaScript off; axe-core on every page (no serious or critical violation)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from core.models import Booking, Payment
from tests.browser.conftest import MANAGE_LINK
from tests.core.factories import BookingFactory, ReviewFactory
from tests.identity.factories import StationFactory
from tests.ops.factories import ChefFactory
from tests.pricing.factories import PricingPolicyFactory, create_menu

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(transactional_db, live_server, settings):
    """Fremont with its prices, menu and one chef, committed for the live server's thread."""
    settings.CUSTOMER_SITE_URL = live_server.url
    settings.API_THROTTLE_RATES = {scope: "1000/min" for scope in settings.API_THROTTLE_RATES}
    PricingPolicyFactory()
    create_menu()
    station = StationFactory()
    ChefFactory(station=station)
    return live_server.url


def choose_first_free_slot(page) -> str:
    label = page.locator(".slot label").first
    value = page.locator(".slot input").first.get_attribute("value")
    label.click()
    return value


def wait_for_total(page, expected: str) -> None:
    """The live total (htmx) settles on the expected amount, without a reload."""
    page.wait_for_function(
        "expected => document.querySelector('[data-testid=quote-total]')?.innerText === expected",
        arg=expected,
    )


def next_month(page) -> None:
    heading = page.locator("#calendar-month").inner_text()
    page.get_by_role("link", name="Next month").click()
    page.wait_for_function(
        "previous => document.querySelector('#calendar-month').innerText !== previous", arg=heading
    )


def test_quote_book_pay_manage_reschedule_pay_balance_and_cancel(site, page_for, viewport):
    page, checker = page_for(viewport)

    # The home page, then the quote with its live total (htmx).
    page.goto(site + "/")
    checker.check("home")
    page.get_by_role("link", name="Get an instant quote").first.click()
    page.get_by_label("Adults (13+)", exact=True).fill("10")
    page.get_by_label("Kids (6\u201312)", exact=True).fill("2")
    page.get_by_label("ZIP code", exact=True).fill("94539")
    page.get_by_label("Filet Mignon", exact=True).fill("2")
    wait_for_total(page, "$620.00")
    page.get_by_label("Filet Mignon", exact=True).fill("4")
    wait_for_total(page, "$630.00")
    checker.check("quote")

    # Book: the party is carried over; the calendar pages by month without reloading the form.
    page.get_by_role("link", name="Book this party").click()
    assert page.get_by_label("Adults (13+)", exact=True).input_value() == "10"
    page.get_by_label("First name", exact=True).fill("Ada")  # typed before paging: kept by the htmx swap
    next_month(page)
    next_month(page)
    assert page.get_by_label("First name", exact=True).input_value() == "Ada"
    checker.check("book")
    choose_first_free_slot(page)
    page.get_by_label("Last name", exact=True).fill("Lovelace")
    page.get_by_label("Email", exact=True).fill("ada@example.com")
    page.get_by_label("Phone", exact=True).fill("(510) 555-0142")
    page.get_by_label("Street address", exact=True).fill("123 Main St")
    page.get_by_label("City", exact=True).fill("Fremont")
    page.get_by_role("button", name="Book").click()

    # Pay the deposit with the fake gateway's test card.
    page.get_by_role("heading", name="Pay the deposit").wait_for()
    assert "Test mode" in page.content()
    checker.check("pay-deposit")
    page.get_by_role("button", name="Pay deposit").click()
    page.get_by_role("heading", name="You're booked!").wait_for()
    checker.check("confirmation")
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CONFIRMED

    # The manage link, as the booking email sent it.
    received = next(message for message in mail.outbox if "ada@example.com" in message.to)
    page.goto(MANAGE_LINK.search(received.body).group(0))
    page.get_by_role("heading", name="Your hibachi party, Ada").wait_for()
    checker.check("manage")

    # Reschedule to another free slot.
    page.get_by_role("link", name="Reschedule").click()
    checker.check("reschedule")
    new_slot = choose_first_free_slot(page)
    page.get_by_role("button", name="Reschedule").click()
    page.get_by_text("Your booking has moved.").wait_for()
    booking.refresh_from_db()
    assert f"{booking.date.isoformat()}T{booking.slot:%H:%M}" == new_slot

    # Change the party: two more adults, repriced by the server.
    page.get_by_text("Change guests and menu").click()
    page.locator("#id_party-party_adults").fill("12")
    page.get_by_role("button", name="Save guests and menu").click()
    page.get_by_text("Your guests and menu are updated").wait_for()
    booking.refresh_from_db()
    assert (booking.party_adults, booking.total_due_cents) == (12, 12 * 5500 + 2 * 3000 + 4 * 500)

    # The guests' proteins: 12 adults + 2 kids choose 28, less 4 filet upgrades.
    page.get_by_label("Chicken", exact=True).fill("12")
    page.get_by_label("Shrimp", exact=True).fill("12")
    page.get_by_role("button", name="Save proteins").click()
    page.get_by_text("your chef will bring these proteins").wait_for()
    booking.refresh_from_db()
    assert booking.protein_counts == {"chicken": 12, "shrimp": 12}

    # Pay the balance, with a 20 % tip for the chef.
    page.get_by_role("link", name="Pay balance").click()
    page.locator("input[name=tip][value='20']").check()
    page.get_by_role("button", name="Update the amount").click()
    page.get_by_text("+ tip for your chef").wait_for()
    checker.check("pay-balance")
    page.get_by_role("button", name="Pay balance").click()
    page.get_by_role("heading", name="Thank you: you're all paid").wait_for()
    paid = Payment.objects.filter(booking=booking, status=Payment.Status.SUCCEEDED)
    tip = booking.total_due_cents * 20 // 100
    assert sum(payment.amount_cents - payment.tip_cents for payment in paid) == booking.total_due_cents
    assert sum(payment.tip_cents for payment in paid) == tip

    # Cancel, with the refund stated first.
    page.get_by_role("link", name="See your booking").click()
    page.get_by_role("link", name="Cancel booking").click()
    assert "we will refund" in page.content()
    checker.check("cancel")
    page.get_by_label("Yes, cancel my booking", exact=True).check()
    page.get_by_role("button", name="Cancel booking").click()
    page.get_by_text("Your booking is cancelled.").wait_for()
    checker.check("cancelled")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_the_quote_and_booking_forms_work_without_javascript(site, page_for, viewport):
    page, checker = page_for(viewport, javascript=False)

    page.goto(site + "/quote/")
    page.get_by_label("Adults (13+)", exact=True).fill("12")
    page.get_by_label("ZIP code", exact=True).fill("94539")
    page.get_by_role("button", name="Get my quote").click()
    assert page.get_by_test_id("quote-total").inner_text() == "$660.00"
    checker.check("quote")

    page.get_by_role("link", name="Book this party").click()
    page.get_by_role("link", name="Next month").click()  # a plain link without htmx
    page.locator("#calendar").wait_for()
    choose_first_free_slot(page)
    page.get_by_label("First name", exact=True).fill("Grace")
    page.get_by_label("Last name", exact=True).fill("Hopper")
    page.get_by_label("Email", exact=True).fill("grace@example.com")
    page.get_by_label("Phone", exact=True).fill("510-555-0199")
    page.get_by_label("Street address", exact=True).fill("1 Navy Way")
    page.get_by_label("City", exact=True).fill("Fremont")
    checker.check("book")
    page.get_by_role("button", name="Book").click()

    page.get_by_role("heading", name="Pay the deposit").wait_for()
    assert Booking.objects.get().party_adults == 12


def test_the_other_pages_pass_axe(site, page_for, viewport):
    page, checker = page_for(viewport)
    station = StationFactory()
    for rating in (5, 4, 5):
        ReviewFactory(
            booking=BookingFactory(station=station, status="completed"), rating=rating, status="approved"
        )

    for name, path in [
        ("reviews", "/reviews/"),
        ("contact", "/contact/"),
        ("lost-link", "/manage/"),
        ("not-found", "/manage/not-a-real-link/"),
    ]:
        page.goto(site + path)
        checker.check(name)

    page.goto(site + "/contact/")
    page.get_by_role("button", name="Send message").click()
    assert re.search("Give us an email or a phone number", page.content())
    checker.check("contact-errors")
