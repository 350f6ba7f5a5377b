"""Output shapes of the payment endpoints (they take no input: the booking comes from its token)."""

from rest_framework import serializers

from core.serializers import BookingCreatedOutputSerializer


class PaymentIntentOutputSerializer(serializers.Serializer):
    """What the customer's browser needs to pay: Stripe.js loads `publishable_key` and confirms
    the PaymentIntent with `client_secret` (provider "fake": the development gateway)."""

    provider = serializers.ChoiceField(choices=["stripe", "fake"])
    payment_intent_id = serializers.CharField()
    client_secret = serializers.CharField()
    publishable_key = serializers.CharField()
    amount_cents = serializers.IntegerField()
    currency = serializers.CharField()


class StripeEventAckOutputSerializer(serializers.Serializer):
    received = serializers.BooleanField()
    event_id = serializers.CharField()
    status = serializers.ChoiceField(choices=["received", "processed", "ignored", "failed"])


class BookingCreatedWithPaymentOutputSerializer(BookingCreatedOutputSerializer):
    """The booking-create answer (core.api) with the deposit PaymentIntent to pay it with."""

    payment = PaymentIntentOutputSerializer(
        allow_null=True,
        help_text=(
            "The deposit PaymentIntent; null when the payment provider was unreachable: get it "
            "later from POST /api/v1/bookings/manage/{token}/deposit/."
        ),
    )
