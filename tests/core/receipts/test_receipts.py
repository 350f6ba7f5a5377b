"""Every succeeded payment and refund gets a numbered receipt, emailed once, printable by staff."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from audit.actor import Actor
from core.models import Booking, Notification, Payment, Receipt
from core.receipts.pdf import receipt_pdf
from core.receipts.selectors import receipt_data
from core.services.payments import payment_record_manual, payment_refund
from core.services.receipts import receipt_issue
from tests.core.factories import BookingFactory
from tests.staff_panel import CHEF, MANAGER_FREMONT, MANAGER_SACRAMENTO, client_for, demo_database

STAFF = Actor.system("pytest staff")


def pay(booking: Booking, kind: str, cents: int) -> Payment:
    return payment_record_manual(
        booking=booking, kind=kind, method=Payment.Method.ZELLE, amount_cents=cents, actor=STAFF
    )


@pytest.mark.django_db
def test_a_payment_gets_a_numbered_receipt_emailed_once(django_capture_on_commit_callbacks, mailoutbox):
    booking = BookingFactory(status=Booking.Status.DEPOSIT_PENDING, total_due_cents=61000)

    with django_capture_on_commit_callbacks(execute=True):
        deposit = pay(booking, Payment.Kind.DEPOSIT, 10000)
        again = receipt_issue(payment=deposit)  # idempotent

    receipt = Receipt.objects.get(payment=deposit)
    assert again == receipt and receipt.label.startswith("MH-R")
    emails = [
        email for email in mailoutbox if email.to == [booking.customer.email] and "Receipt" in email.subject
    ]
    assert len(emails) == 1
    assert receipt.label in emails[0].subject and "$100.00" in emails[0].body
    assert "Balance remaining: $510.00" in emails[0].body
    assert Notification.objects.filter(kind=Notification.Kind.RECEIPT, booking=booking).count() == 1


@pytest.mark.django_db
def test_a_refund_gets_its_own_receipt_and_the_receipts_show_it_and_the_balance(
    django_capture_on_commit_callbacks,
):
    booking = BookingFactory(status=Booking.Status.DEPOSIT_PENDING, total_due_cents=61000)
    with django_capture_on_commit_callbacks(execute=True):
        deposit = pay(booking, Payment.Kind.DEPOSIT, 10000)
        balance = pay(booking, Payment.Kind.BALANCE, 51000)
        refund = payment_refund(booking=booking, amount_cents=2500, reason="Late start", actor=STAFF)

    numbers = [Receipt.objects.get(payment=payment).number for payment in (deposit, balance, refund)]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    data = receipt_data(Receipt.objects.get(payment=refund))
    assert data.is_refund and data.amount_cents == 2500 and data.kind == "Refund"
    assert data.paid_cents == 61000 and data.refunded_cents == 2500
    assert data.balance_cents == 2500
    assert [line.label for line in data.lines] == [line["label"] for line in booking.quote.get("lines", [])]


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


@pytest.mark.django_db
def test_staff_print_a_receipt_of_their_station_only_and_chefs_never(demo_data):
    booking = Booking.objects.filter(station__code="CA-FREMONT-001", status=Booking.Status.CONFIRMED).first()
    payment = pay(booking, Payment.Kind.BALANCE, 1000)
    url = reverse("staff-receipt", args=[payment.pk])

    page = client_for(MANAGER_FREMONT).get(url)

    assert page.status_code == 200
    content = page.content.decode()
    assert Receipt.objects.get(payment=payment).label in content and booking.reference in content
    assert "Balance remaining" in content and "<script" not in content
    assert client_for(MANAGER_SACRAMENTO).get(url).status_code == 404
    assert client_for(CHEF).get(url).status_code == 403
    listing = client_for(MANAGER_FREMONT).get(reverse("admin:core_payment_changelist"))
    assert url in listing.content.decode()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db
def test_a_refund_receipt_pdf_shows_the_refund_the_tip_paid_and_the_balance_remaining(
    django_capture_on_commit_callbacks,
):
    booking = BookingFactory(status=Booking.Status.DEPOSIT_PENDING, total_due_cents=61000)
    booking.customer.first_name, booking.customer.last_name = "Zoë", "Nguyễn 阮"
    booking.customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        pay(booking, Payment.Kind.DEPOSIT, 10000)
        balance = pay(booking, Payment.Kind.BALANCE, 51000)
        refund = payment_refund(booking=booking, amount_cents=2500, reason="Late start", actor=STAFF)
    Payment.objects.filter(pk=balance.pk).update(tip_cents=12000)
    refund_receipt = Receipt.objects.get(payment=refund)

    refund_text = pdf_text(receipt_pdf(receipt_data(refund_receipt)))
    balance_text = pdf_text(receipt_pdf(receipt_data(Receipt.objects.get(payment=balance))))

    assert f"Refund receipt {refund_receipt.label}" in refund_text
    assert "Refunded: $25.00 (" in refund_text
    assert f"Refund {refund_receipt.label} on" in refund_text and "-$25.00" in refund_text
    assert "Paid so far $610.00" in refund_text and "Balance remaining $25.00" in refund_text
    assert "Balance paid: $510.00 (Zelle)" in balance_text and "Tip for the chef: $120.00" in balance_text
    assert "Zoë Nguyen ?" in balance_text  # outside Latin-1: written without accents, never an error


@pytest.mark.django_db
def test_staff_download_the_pdf_of_a_receipt_of_their_station_only(demo_data):
    booking = Booking.objects.filter(station__code="CA-FREMONT-001", status=Booking.Status.CONFIRMED).first()
    payment = pay(booking, Payment.Kind.BALANCE, 1000)
    url = reverse("staff-receipt-pdf", args=[payment.pk])

    response = client_for(MANAGER_FREMONT).get(url)
    page = client_for(MANAGER_FREMONT).get(reverse("staff-receipt", args=[payment.pk])).content.decode()

    label = Receipt.objects.get(payment=payment).label
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename=receipt-{label}.pdf"
    assert label in pdf_text(response.content) and url in page
    assert client_for(MANAGER_SACRAMENTO).get(url).status_code == 404
    assert client_for(CHEF).get(url).status_code == 403


@pytest.mark.django_db
def test_the_receipt_email_links_the_pdf(django_capture_on_commit_callbacks, mailoutbox):
    booking = BookingFactory(status=Booking.Status.DEPOSIT_PENDING, total_due_cents=61000)

    with django_capture_on_commit_callbacks(execute=True):
        deposit = pay(booking, Payment.Kind.DEPOSIT, 10000)

    label = Receipt.objects.get(payment=deposit).label
    email = next(email for email in mailoutbox if "Receipt" in email.subject)
    assert f"/receipts/{label}/pdf/" in email.body
    assert f"/receipts/{label}/pdf/" in email.alternatives[0][0]
