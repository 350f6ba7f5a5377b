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


class DepositStepOutputSerializer(serializers.Serializer):
    """How to pay the deposit. Booking calls no payment provider: the PaymentIntent is made when
    the customer reaches the payment step, by POSTing to `intent_url` (the same intent every time)."""

    amount_cents = serializers.IntegerField(help_text="The deposit due.")
    currency = serializers.CharField()
    due_by = serializers.DateTimeField(help_text="An unpaid booking is cancelled after this.")
    intent_url = serializers.CharField(
        help_text="POST here (no body) for the PaymentIntent: /api/v1/bookings/manage/{token}/deposit/."
    )


class BookingCreatedWithPaymentOutputSerializer(BookingCreatedOutputSerializer):
    """The booking-create answer (core.api), with how to pay its deposit."""

    payment = DepositStepOutputSerializer(
        allow_null=True, help_text="How to pay the deposit; null when no deposit is due."
    )
