"""Unsubscribe: the headers of every marketing email, the signed page, and the RFC 8058 one-click POST."""

import re

import pytest
from django.test import Client

from audit.models import AuditLog, SecurityEvent
from core.models import Customer, Notification
from core.services.messaging import notification_claim
from crm.models import CampaignDelivery
from crm.services import campaign_send
from crm.tokens import unsubscribe_token_for
from tests.core.factories import BookingFactory
from tests.crm.helpers import consenting_customer, due_campaign

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://api\.myhibachi\.test(/unsubscribe/[^/\s>]+/)")


@pytest.fixture
def sent(django_capture_on_commit_callbacks, mailoutbox):
    """A customer who got one campaign email: (customer, delivery, the email)."""
    customer = consenting_customer(first_name="Ann")
    campaign = due_campaign()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign_id=campaign.pk)
    [email] = mailoutbox
    return customer, CampaignDelivery.objects.get(campaign=campaign, customer=customer), email


def test_every_marketing_email_carries_the_rfc_8058_headers_and_the_link(sent):
    _customer, delivery, email = sent
    token = unsubscribe_token_for(delivery.pk)
    url = f"https://api.myhibachi.test/unsubscribe/{token}/"
    assert email.extra_headers["List-Unsubscribe"] == (
        f"<{url}>, <mailto:unsubscribe@myhibachi.test?subject=unsubscribe%20{token}>"
    )
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in email.body
    html = email.alternatives[0][0]
    assert f'href="{url}"' in html and "My Hibachi" in html  # the brand's layout


def test_the_page_asks_first_and_a_get_changes_nothing(sent):
    customer, _delivery, email = sent
    path = LINK.search(email.body).group(1)

    page = Client().get(path)

    assert page.status_code == 200
    assert b'<button type="submit">Unsubscribe</button>' in page.content
    customer.refresh_from_db()
    assert customer.email_consent is True


def test_the_button_unsubscribes_without_login_withdraws_consent_with_the_time_and_audits(sent):
    customer, delivery, email = sent
    path = LINK.search(email.body).group(1)

    page = Client(enforce_csrf_checks=True).post(path)

    assert page.status_code == 200 and b"You are unsubscribed" in page.content
    customer.refresh_from_db()
    assert customer.email_consent is False and customer.email_consent_at is not None
    assert customer.email_consent_text  # what they had agreed to stays on file
    row = AuditLog.objects.get(action="customer.email_consent_revoke", resource_id=str(customer.pk))
    assert row.after["email_consent"] is False and "unsubscribed (link)" in row.reason
    delivery.refresh_from_db()
    assert delivery.unsubscribed_at is not None


def test_the_one_click_post_of_a_mail_client_unsubscribes_at_once(sent):
    customer, delivery, _email = sent
    path = f"/unsubscribe/{unsubscribe_token_for(delivery.pk)}/"

    # What RFC 8058 says a mail client sends: no cookies, no CSRF token, this body.
    response = Client(enforce_csrf_checks=True).post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.email_consent is False
    assert "one-click" in AuditLog.objects.get(action="customer.email_consent_revoke").reason


def test_unsubscribing_twice_is_harmless(sent):
    _customer, delivery, _email = sent
    path = f"/unsubscribe/{unsubscribe_token_for(delivery.pk)}/"
    Client().post(path)

    second = Client().post(path)

    assert second.status_code == 200
    assert AuditLog.objects.filter(action="customer.email_consent_revoke").count() == 1


def test_later_campaigns_skip_an_unsubscribed_customer_and_booking_emails_still_go(
    sent, django_capture_on_commit_callbacks, mailoutbox
):
    customer, delivery, _email = sent
    Client().post(f"/unsubscribe/{unsubscribe_token_for(delivery.pk)}/")
    mailoutbox.clear()
    later = due_campaign()

    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign_id=later.pk)
        booking = BookingFactory(customer=customer)
        notification_claim(
            kind=Notification.Kind.BOOKING_CONFIRMED,
            channel=Notification.Channel.EMAIL,
            booking=booking,
            customer=customer,
            recipient=customer.email,
        )

    assert CampaignDelivery.objects.get(campaign=later).status == CampaignDelivery.Status.SKIPPED_UNSUBSCRIBED
    assert [m.to for m in mailoutbox] == [[customer.email]]
    assert "confirmed" in mailoutbox[0].subject.lower()


@pytest.mark.parametrize("token", ["nope", "a" * 300, "0" * 32 + ":forged"])
def test_a_forged_or_cut_token_is_a_404_page_and_a_security_event(token):
    response = Client().post(f"/unsubscribe/{token}/")

    assert response.status_code == 404
    assert b"not valid" in response.content
    assert SecurityEvent.objects.filter(type=SecurityEvent.Type.TOKEN_INVALID).exists()
    assert not Customer.objects.filter(email_consent=False, email_consent_at__isnull=False).exists()


def test_a_head_request_of_a_link_checker_changes_nothing(sent):
    customer, delivery, _email = sent

    response = Client().head(f"/unsubscribe/{unsubscribe_token_for(delivery.pk)}/")

    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.email_consent is True
