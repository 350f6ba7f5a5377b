"""A payment's receipt, on the manage link."""

import io

import pytest
from pypdf import PdfReader

from core.models import Receipt
from core.tokens import manage_token_for
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


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_receipt_downloads_as_a_pdf_with_the_same_content_as_the_page(client, make_booking):
    booking = make_booking()
    client.post(pay_url(booking), {"kind": "deposit"})
    receipt = Receipt.objects.get(payment__booking=booking)
    pdf_link = manage_url(booking, f"receipts/{receipt.label}/pdf")

    page = client.get(manage_url(booking, f"receipts/{receipt.label}")).content.decode()
    response = client.get(pdf_link)

    assert pdf_link in page  # linked beside the printable page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename=receipt-{receipt.label}.pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in (
        receipt.label,
        booking.reference,
        "Deposit paid: $100.00",
        "Booking total",
        "Balance remaining",
        f"${(booking.total_due_cents - 10_000) / 100:,.2f}",
        booking.customer.email,
    ):
        assert expected in text, (expected, text)


@pytest.mark.parametrize("wrong", ["not-a-token", "tampered"])
def test_a_receipt_pdf_behind_a_wrong_token_is_not_found(client, make_booking, wrong):
    booking = make_booking()
    client.post(pay_url(booking), {"kind": "deposit"})
    receipt = Receipt.objects.get(payment__booking=booking)
    token = manage_token_for(booking)
    bad = (
        "not-a-token" if wrong == "not-a-token" else token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    )

    response = client.get(f"/manage/{bad}/receipts/{receipt.label}/pdf/")

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"


def test_another_bookings_receipt_pdf_is_not_found_through_this_link(client, make_booking):
    mine, theirs = make_booking(days=14), make_booking(days=15, customer={"email": "other@example.com"})
    client.post(pay_url(theirs), {"kind": "deposit"})
    receipt = Receipt.objects.get(payment__booking=theirs)

    assert client.get(manage_url(mine, f"receipts/{receipt.label}/pdf")).status_code == 404
