"""A payment's receipt, on the manage link."""

import pytest

from core.models import Receipt
from tests.website.conftest import manage_url, pay_url

pytestmark = pytest.mark.django_db


def test_a_paid_deposit_has_a_receipt_linked_from_the_manage_page(client, make_booking):
    booking = make_booking()
    client.post(pay_url(booking), {"kind": "deposit"})
    receipt = Receipt.objects.get(payment__booking=booking)

    page = client.get(manage_url(booking)).content.decode()
    response = client.get(manage_url(booking, f"receipts/{receipt.label}"))

    assert receipt.label in page
    assert response.status_code == 200
    assert receipt.label in response.content.decode() and "$100.00" in response.content.decode()
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_another_bookings_receipt_is_not_found_through_this_link(client, make_booking):
    mine, theirs = make_booking(days=14), make_booking(days=15, customer={"email": "other@example.com"})
    client.post(pay_url(theirs), {"kind": "deposit"})
    receipt = Receipt.objects.get(payment__booking=theirs)

    response = client.get(manage_url(mine, f"receipts/{receipt.label}"))

    assert response.status_code == 404
