"""The hot endpoints' plain-dict answers (core/api_output.py) are their documented serializers' shapes."""

import datetime

import pytest

from core.api_output import booking_created_body, booking_manage_body
from core.availability import availability_days, station_availability
from core.models import Booking, Payment
from core.payments.serializers import BookingCreatedWithPaymentOutputSerializer
from core.selectors import booking_manage_view, booking_money, booking_money_of_payments
from core.serializers import AvailabilityDayOutputSerializer, BookingManageOutputSerializer
from core.tokens import manage_token_for
from pricing.quote import quote_compute
from tests.core.conftest import SIX_PM, event_date
from tests.core.factories import BookingFactory, PaymentFactory
from tests.ops.factories import ChefAvailabilityFactory, ChefFactory

pytestmark = pytest.mark.django_db

K, St = Payment.Kind, Payment.Status


@pytest.fixture
def booking(station):
    return BookingFactory(
        station=station,
        date=event_date(14),
        slot=SIX_PM,
        status=Booking.Status.DEPOSIT_PENDING,
        address="9 Elm St, Fremont, CA 94539",
        quote=quote_compute(zip_code="94539", party_adults=10, party_kids=2).as_dict(),
        deposit_due_at=datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    )


def with_mixed_payments(booking):
    deposit = PaymentFactory(booking=booking, kind=K.DEPOSIT, amount_cents=10000)
    PaymentFactory(booking=booking, kind=K.BALANCE, amount_cents=30000, status=St.REFUNDED)
    PaymentFactory(booking=booking, kind=K.BALANCE, amount_cents=25000, tip_cents=5000)
    PaymentFactory(booking=booking, kind=K.BALANCE, amount_cents=7000, status=St.PENDING)
    PaymentFactory(booking=booking, kind=K.REFUND, amount_cents=4000, refund_of=deposit)
    PaymentFactory(booking=booking, kind=K.REFUND, amount_cents=30000)
    PaymentFactory(booking=booking, kind=K.REFUND, amount_cents=999, status=St.FAILED)


def test_the_money_summed_from_the_listed_payments_is_the_money_the_database_sums(booking):
    with_mixed_payments(booking)
    payments = list(Payment.objects.filter(booking=booking))

    assert booking_money_of_payments(booking=booking, payments=payments) == booking_money(booking=booking)


def test_the_manage_body_is_the_manage_serializers_output(booking):
    with_mixed_payments(booking)
    view = booking_manage_view(booking=Booking.objects.select_related("station").get(pk=booking.pk))

    assert booking_manage_body(view) == BookingManageOutputSerializer(view).data


def test_a_booking_without_a_complete_quote_shows_none_as_the_serializer_does(booking):
    booking.quote = {"lines": []}
    view = booking_manage_view(booking=booking)

    assert booking_manage_body(view)["quote"] is None
    assert booking_manage_body(view) == BookingManageOutputSerializer(view).data


def test_the_booking_created_body_is_the_documented_serializers_output(booking):
    body = booking_created_body(booking)

    expected = BookingCreatedWithPaymentOutputSerializer(
        {
            **vars(booking),
            "station": booking.station,
            "manage_token": manage_token_for(booking),
            "payment": None,
        }
    ).data
    assert {**body, "payment": None} == expected
    assert body["payment"] == {
        "amount_cents": booking.deposit_due_cents,
        "currency": "usd",
        "due_by": expected["deposit_due_by"],
        "intent_url": f"/api/v1/bookings/manage/{manage_token_for(booking)}/deposit/",
    }


def test_the_availability_days_are_the_availability_serializers_output(station):
    chefs = ChefFactory.create_batch(2, station=station)
    start, end = event_date(1), event_date(9)
    BookingFactory(station=station, chef=chefs[0], date=event_date(5), slot=SIX_PM)
    ChefAvailabilityFactory(chef=chefs[1], date=event_date(6), slot=None)

    days = availability_days(station=station, start=start, end=end)

    assert (
        days
        == AvailabilityDayOutputSerializer(
            station_availability(station=station, start=start, end=end), many=True
        ).data
    )
