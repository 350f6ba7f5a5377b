"""The staff panel's "Add booking" page: a phone booking through booking_create, with staff options."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.actor import Actor
from audit.models import AuditLog
from core.models import Booking, Customer
from core.services.bookings import booking_change_party
from tests.staff_panel import (
    CHEF,
    MANAGER_FREMONT,
    MANAGER_SACRAMENTO,
    SUPPORT,
    client_for,
    demo_database,
    messages_of,
    post_action,
)

pytestmark = pytest.mark.django_db

ADD = reverse("admin:core_booking_add")


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


def phone_order(**changes) -> dict:
    day = timezone.localdate() + datetime.timedelta(days=25)
    data = {
        "email": "grace.hopper@example.com",
        "first_name": "Grace",
        "last_name": "Hopper",
        "phone": "+15105550199",
        "line1": "12 Harbor Way",
        "line2": "",
        "city": "Fremont",
        "state": "CA",
        "zip_code": "94539",
        "date": day.isoformat(),
        "slot": "12:00",
        "party_adults": "12",
        "party_kids": "0",
        "party_toddlers": "0",
        "source": "phone",
        "special_requests": "Birthday",
        "notify_customer": "on",
        "_save": "Create booking",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_manager_books_a_phone_order_through_the_booking_service(
    demo_data, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(MANAGER_FREMONT).post(ADD, phone_order())

    booking = Booking.objects.get(customer__email="grace.hopper@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:core_booking_change", args=[booking.pk])
    assert booking.source == Booking.Source.PHONE and booking.status == Booking.Status.DEPOSIT_PENDING
    assert booking.chef is not None and booking.station.code == "CA-FREMONT-001"
    assert (
        booking.total_due_cents
        == booking.quote["total_cents"]
        == 12 * 5500 + booking.quote["travel_fee_cents"]
    )
    assert AuditLog.objects.filter(
        action="booking.create", resource_id=str(booking.pk), actor_label=MANAGER_FREMONT
    ).exists()
    assert any(email.to == ["grace.hopper@example.com"] and "/manage/" in email.body for email in mailoutbox)


def test_the_preview_shows_the_quote_and_the_chefs_free_around_the_date_without_booking(demo_data):
    data = phone_order(_preview="Show quote", email="preview.only@example.com")
    data.pop("_save")

    response = client_for(MANAGER_FREMONT).post(ADD, data)

    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview["station"].code == "CA-FREMONT-001"
    assert preview["total_cents"] == preview["quote"].total_cents
    assert len(preview["days"]) == 7
    chosen = [slot for day in preview["days"] for slot in day["slots"] if slot["chosen"]]
    assert len(chosen) == 1 and chosen[0]["chefs"]
    assert "Kenji Tanaka" in response.content.decode() or chosen[0]["chefs"]
    assert not Customer.objects.filter(email="preview.only@example.com").exists()


def test_picking_a_slot_in_the_picker_moves_the_form_to_it(demo_data):
    day = timezone.localdate() + datetime.timedelta(days=26)
    data = phone_order(_pick=f"{day.isoformat()} 15:00", email="picker@example.com")
    data.pop("_save")

    response = client_for(MANAGER_FREMONT).post(ADD, data)

    assert response.context["form"].cleaned_data["slot"] == datetime.time(15)
    assert response.context["form"].cleaned_data["date"] == day


def test_a_held_deposit_needs_a_reason_and_a_quiet_booking_sends_the_customer_nothing(
    demo_data, django_capture_on_commit_callbacks, mailoutbox
):
    client = client_for(MANAGER_FREMONT)
    refused = client.post(ADD, phone_order(hold_deposit="on", email="hold@example.com"))
    assert refused.status_code == 200
    assert "Give the reason the deposit is held." in refused.content.decode()

    order = phone_order(hold_deposit="on", hold_reason="Pays by check on Monday", email="hold@example.com")
    order.pop("notify_customer")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, order)

    booking = Booking.objects.get(customer__email="hold@example.com")
    assert booking.payment_hold is True
    assert (
        "Pays by check on Monday"
        in AuditLog.objects.get(action="booking.create", resource_id=str(booking.pk)).reason
    )
    assert not [email for email in mailoutbox if email.to == ["hold@example.com"]]


def test_a_discount_is_a_quote_line_and_never_takes_the_total_below_the_deposit(demo_data):
    client = client_for(MANAGER_FREMONT)
    too_much = client.post(
        ADD, phone_order(email="discount@example.com", adjustment="-5000", adjustment_reason="VIP")
    )
    assert too_much.status_code == 200
    assert "The total cannot go below the deposit" in too_much.content.decode()

    client.post(
        ADD,
        phone_order(email="discount@example.com", adjustment="-50.00", adjustment_reason="Repeat customer"),
    )

    booking = Booking.objects.get(customer__email="discount@example.com")
    line = booking.quote["lines"][-1]
    assert line == {
        "code": "adjustment",
        "label": "Discount: Repeat customer",
        "quantity": 1,
        "unit_cents": -5000,
        "total_cents": -5000,
    }
    assert booking.total_due_cents == booking.quote["total_cents"] and booking.price_adjustment_cents == -5000
    page = client.get(reverse("admin:core_booking_change", args=[booking.pk])).content.decode()
    assert "Discount: Repeat customer" in page


def test_customer_support_books_but_cannot_adjust_a_price(demo_data):
    client = client_for(SUPPORT)

    assert "adjustment" not in client.get(ADD).context["form"].fields
    client.post(ADD, phone_order(email="support.order@example.com", adjustment="-50", adjustment_reason="x"))

    booking = Booking.objects.get(customer__email="support.order@example.com")
    assert booking.price_adjustment_cents == 0


def test_a_returning_customer_is_found_by_email_and_not_duplicated(demo_data):
    existing = Customer.objects.filter(bookings__station__code="CA-FREMONT-001").order_by("email").first()

    client_for(MANAGER_FREMONT).post(
        ADD, phone_order(email=existing.email.upper(), first_name="Someone", last_name="Else")
    )

    assert Customer.objects.filter(email__iexact=existing.email).count() == 1
    assert Booking.objects.filter(customer=existing, source="phone").exists()


def test_a_booking_at_a_station_the_user_does_not_hold_is_refused_and_nothing_is_kept(demo_data):
    response = client_for(MANAGER_SACRAMENTO).post(ADD, phone_order(email="wrong.station@example.com"))

    assert response.status_code == 200
    assert "not one of your stations" in response.content.decode()
    assert not Booking.objects.filter(customer__email="wrong.station@example.com").exists()


def test_a_chef_cannot_open_the_add_page(demo_data):
    assert client_for(CHEF).get(ADD).status_code == 403


def test_a_manager_adjusts_an_existing_bookings_price_from_the_list_and_support_cannot(demo_data):
    booking = Booking.objects.filter(
        station__code="CA-FREMONT-001", status=Booking.Status.CONFIRMED, price_adjustment_cents=0
    ).first()
    before_total = booking.total_due_cents

    response = post_action(
        client_for(MANAGER_FREMONT),
        Booking,
        "adjust_price",
        [booking],
        {"amount": "25.00", "reason": "Second grill requested"},
    )

    booking.refresh_from_db()
    assert booking.total_due_cents == before_total + 2500
    assert booking.quote["lines"][-1]["label"] == "Surcharge: Second grill requested"
    assert any("Price adjustment of $25.00 set on" in message for message in messages_of(response))
    row = AuditLog.objects.get(action="booking.adjust_price", resource_id=str(booking.pk))
    assert row.reason == "Second grill requested"
    support_page = client_for(SUPPORT).get(reverse("admin:core_booking_changelist"))
    assert "adjust_price" not in support_page.content.decode()


def test_a_party_change_keeps_the_price_adjustment_line(demo_data):
    client_for(MANAGER_FREMONT).post(
        ADD, phone_order(email="keeps.discount@example.com", adjustment="-40.00", adjustment_reason="Loyalty")
    )
    booking = Booking.objects.get(customer__email="keeps.discount@example.com")

    booking = booking_change_party(
        booking=booking, party_adults=15, actor=Actor.system("pytest staff"), by_customer=False
    )

    assert booking.price_adjustment_cents == -4000
    assert booking.quote["lines"][-1]["label"] == "Discount: Loyalty"
    assert booking.total_due_cents == booking.quote["total_cents"]
    assert booking.total_due_cents == 15 * 5500 + booking.quote["travel_fee_cents"] - 4000


def test_staff_email_the_manage_link_of_a_booking_made_without_it(
    demo_data, django_capture_on_commit_callbacks, mailoutbox
):
    order = phone_order(email="quiet@example.com")
    order.pop("notify_customer")
    client = client_for(SUPPORT)
    client.post(ADD, order)
    booking = Booking.objects.get(customer__email="quiet@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(client, Booking, "send_manage_link", [booking])

    assert any("Emailed the manage link of" in message for message in messages_of(response))
    sent = [email for email in mailoutbox if email.to == ["quiet@example.com"]]
    assert len(sent) == 1 and "/manage/" in sent[0].body
    assert AuditLog.objects.filter(action="booking.manage_link_send", resource_id=str(booking.pk)).exists()
