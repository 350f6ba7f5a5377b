"""The customer API's hot answers as plain dicts: what their DRF output serializers would give,
without the serializers' cost per field (tests/core/test_api_output.py holds each equal to its
serializer, which stays the documented shape)."""

from django.conf import settings
from django.urls import reverse
from rest_framework.fields import DateTimeField

from core.models import Booking
from core.selectors import BookingManageView
from core.tokens import manage_token_for
from ops.slots import slot_label
from pricing.serializers import quote_output

_DATETIME = DateTimeField()


def station_summary(station) -> dict:
    """StationSummaryOutputSerializer(station).data as a plain dict."""
    return {
        "code": station.code,
        "name": station.name,
        "phone": station.phone,
        "address": f"{station.address}, {station.city}, {station.state} {station.zip_code}",
        "timezone": station.timezone,
    }


def booking_created_body(booking: Booking) -> dict:
    """BookingCreatedWithPaymentOutputSerializer's shape as a plain dict (a test holds them equal).

    `payment` says how to pay: the deposit's PaymentIntent is made at the payment step (its
    `intent_url`), never inside the booking's request.
    """
    token = manage_token_for(booking)
    deposit_due_by = _DATETIME.to_representation(booking.deposit_due_at)
    return {
        "reference": booking.reference,
        "status": booking.status,
        "date": booking.date.isoformat(),
        "slot": slot_label(booking.slot),
        "station": station_summary(booking.station),
        "quote": quote_output(booking.quote),
        "total_due_cents": booking.total_due_cents,
        "deposit_due_cents": booking.deposit_due_cents,
        "deposit_due_by": deposit_due_by,
        "manage_token": token,
        "payment": {
            "amount_cents": booking.deposit_due_cents,
            "currency": settings.STRIPE_CURRENCY,
            "due_by": deposit_due_by,
            "intent_url": reverse("booking-deposit-intent-create", kwargs={"token": token}),
        }
        if booking.deposit_due_cents > 0
        else None,
    }


# A booking's stored quote is shown only when complete (BookingQuoteOutputSerializer's rule).
_QUOTE_KEYS = frozenset({"lines", "food_cents", "total_cents", "deposit_cents", "balance_cents", "station"})


def _datetime(value) -> str | None:
    return _DATETIME.to_representation(value) if value is not None else None


def booking_manage_body(view: BookingManageView) -> dict:
    """BookingManageOutputSerializer(view).data as a plain dict."""
    booking, actions = view.booking, view.actions
    quote = booking.quote
    return {
        "reference": booking.reference,
        "status": booking.status,
        "date": booking.date.isoformat(),
        "slot": slot_label(booking.slot),
        "starts_at": _datetime(view.starts_at),
        "station": station_summary(booking.station),
        "party": {
            "adults": booking.party_adults,
            "kids": booking.party_kids,
            "toddlers": booking.party_toddlers,
        },
        "address": booking.address,
        "special_requests": booking.special_requests,
        "quote": quote_output(quote) if isinstance(quote, dict) and set(quote) >= _QUOTE_KEYS else None,
        "total_due_cents": booking.total_due_cents,
        "deposit_due_cents": booking.deposit_due_cents,
        "deposit_due_by": _datetime(booking.deposit_due_at),
        "amount_paid_cents": view.amount_paid_cents,
        "balance_due_cents": view.balance_due_cents,
        "refund_due_cents": booking.refund_due_cents,
        "payments": [
            {
                "kind": payment.kind,
                "method": payment.method,
                "amount_cents": payment.amount_cents,
                "status": payment.status,
                "created_at": _datetime(payment.created_at),
            }
            for payment in view.payments
        ],
        "actions": {
            "can_cancel": actions.can_cancel,
            "cancel_becomes_request": actions.cancel_becomes_request,
            "cancel_refund_cents": actions.cancel_refund_cents,
            "can_reschedule": actions.can_reschedule,
            "can_review": actions.can_review,
            "can_pay_deposit": actions.can_pay_deposit,
            "can_pay_balance": actions.can_pay_balance,
            "can_change_party": actions.can_change_party,
            "pay_deposit_by": _datetime(actions.pay_deposit_by),
            "change_until": _datetime(actions.change_until),
            "cancel_with_refund_until": _datetime(actions.cancel_with_refund_until),
        },
        "rules": dict(view.rules),
    }
