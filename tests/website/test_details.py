"""The manage page's "update your details": the customer's stored name, phone and consents,
changed only through their own signed link (customer_update_contact), audited."""

from html import escape

import pytest

from audit.models import AuditLog
from core.models import Customer
from core.services.customers import SMS_CONSENT_TEXT
from tests.website.conftest import manage_url

pytestmark = pytest.mark.django_db


def details(**overrides):
    data = {"details-first_name": "Ada", "details-last_name": "Byron", "details-phone": "(510) 555-0177"}
    data.update(overrides)
    return data


def test_the_manage_page_shows_the_stored_details_and_consents(client, make_booking):
    booking = make_booking()

    page = client.get(manage_url(booking)).content.decode()

    assert "Your details" in page
    assert 'name="details-first_name" value="Ada"' in page
    assert 'name="details-sms_consent" id="id_details-sms_consent">' in page  # not ticked
    assert escape(SMS_CONSENT_TEXT) in page


def test_the_customer_updates_their_name_phone_and_consent_audited(client, make_booking):
    booking = make_booking()

    response = client.post(manage_url(booking, "details"), details(**{"details-sms_consent": "on"}))

    assert response.status_code == 302 and response["Location"].endswith("?done=details")
    customer = Customer.objects.get(pk=booking.customer_id)
    assert (customer.last_name, customer.phone) == ("Byron", "+15105550177")
    assert customer.sms_consent is True and customer.sms_consent_text == SMS_CONSENT_TEXT
    assert AuditLog.objects.filter(action="customer.update_contact", resource_id=str(customer.pk)).exists()
    assert "Your details are saved." in client.get(response["Location"]).content.decode()


def test_unticking_a_consent_withdraws_it(client, make_booking):
    booking = make_booking()
    Customer.objects.filter(pk=booking.customer_id).update(
        phone="+15105550177", sms_consent=True, email_consent=True
    )

    client.post(manage_url(booking, "details"), details())

    customer = Customer.objects.get(pk=booking.customer_id)
    assert customer.sms_consent is False and customer.email_consent is False


def test_an_invalid_phone_is_explained_at_the_phone(client, make_booking):
    booking = make_booking()

    response = client.post(manage_url(booking, "details"), details(**{"details-phone": "12"}))

    assert response.status_code == 400
    assert 'id="id_details-phone-error"' in response.content.decode()
    assert Customer.objects.get(pk=booking.customer_id).last_name == "Lovelace"


def test_a_bad_link_changes_no_details(client, make_booking):
    booking = make_booking()

    response = client.post("/manage/forged/details/", details())

    assert response.status_code == 404
    assert Customer.objects.get(pk=booking.customer_id).last_name == "Lovelace"
