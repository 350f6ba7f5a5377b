"""Payment endpoints: a booking's deposit and balance PaymentIntents, Stripe's webhook, and the
development endpoint that pays a fake PaymentIntent."""

import logging

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import SecurityEvent
from audit.services import security_event_record
from core.payment_gateway.factory import stripe_configured
from core.payments.serializers import PaymentIntentOutputSerializer, StripeEventAckOutputSerializer
from core.payments.webhooks import (
    WebhookSignatureInvalid,
    fake_payment_intent_succeed,
    stripe_event_handle,
    stripe_event_verify,
)
from core.services.payments import MALFORMED_EVENT, payment_balance_intent, payment_deposit_intent
from core.tokens import booking_from_manage_token
from kernel.api import error_response
from kernel.client_ip import client_ip
from kernel.error_codes import PaymentErrors
from kernel.errors import NotFoundError, ServiceError
from kernel.openapi import THROTTLED, documented_error

logger = logging.getLogger(__name__)

TOKEN = OpenApiParameter(
    "token", OpenApiTypes.STR, OpenApiParameter.PATH, description="The booking's manage token."
)
NOT_FOUND = documented_error("Unknown or invalid link.")
NOT_DUE = documented_error("Nothing to pay in this state, with the reason.")
GATEWAY_DOWN = documented_error("The payment provider cannot be reached; try again.")


class DepositIntentCreateApi(APIView):
    throttle_scope = "manage"

    @extend_schema(
        operation_id="booking_deposit_intent_create",
        tags=["payments"],
        summary="The deposit PaymentIntent of a booking",
        description=(
            "For a booking awaiting its deposit, the PaymentIntent to pay it with Stripe.js: the "
            "payment step (`payment.intent_url` of the booking's answer). Made on the first call "
            "and the same intent on every later one, never a second."
        ),
        parameters=[TOKEN],
        request=None,
        responses={
            200: PaymentIntentOutputSerializer,
            409: NOT_DUE,
            404: NOT_FOUND,
            429: THROTTLED,
            503: GATEWAY_DOWN,
        },
    )
    def post(self, request: Request, token: str) -> Response:
        booking = booking_from_manage_token(token, ip_address=client_ip(request))
        intent = payment_deposit_intent(booking=booking)
        if intent is None:
            return error_response(
                PaymentErrors.DEPOSIT_NOT_DUE, "This booking has no deposit to pay.", status_code=409
            )
        return Response(PaymentIntentOutputSerializer(intent).data)


class BalanceIntentCreateApi(APIView):
    throttle_scope = "manage"

    @extend_schema(
        operation_id="booking_balance_intent_create",
        tags=["payments"],
        summary="A PaymentIntent for the balance of a confirmed booking",
        description=(
            "The balance due: the total minus what was paid and not refunded. 409 "
            "`balance_not_due` when the booking is not confirmed, `nothing_due` when it is paid in full."
        ),
        parameters=[TOKEN],
        request=None,
        responses={
            200: PaymentIntentOutputSerializer,
            409: NOT_DUE,
            404: NOT_FOUND,
            429: THROTTLED,
            503: GATEWAY_DOWN,
        },
    )
    def post(self, request: Request, token: str) -> Response:
        booking = booking_from_manage_token(token, ip_address=client_ip(request))
        return Response(PaymentIntentOutputSerializer(payment_balance_intent(booking=booking)).data)


class StripeWebhookReceiveApi(APIView):
    """Stripe's calls: authenticated by the signature, never throttled (Stripe retries; a lost
    event is worse than a busy minute)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        operation_id="stripe_webhook_receive",
        tags=["payments"],
        summary="Stripe webhook",
        description=(
            "Stripe events, verified with the Stripe-Signature header against the webhook "
            "secret (at most 5 minutes old). Each event is processed once, however often it is "
            "delivered; events of other types are recorded and acknowledged. 400 for a bad, stale "
            "or missing signature; 503 when the webhook secret is not configured."
        ),
        parameters=[
            OpenApiParameter(
                "Stripe-Signature",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="t=…,v1=…",
            )
        ],
        request=OpenApiTypes.OBJECT,
        responses={
            200: StripeEventAckOutputSerializer,
            400: documented_error("Invalid signature or not an event."),
            500: OpenApiResponse(
                description="Processing failed; Stripe delivers the event again (error shape)."
            ),
            503: documented_error("The webhook secret is not configured."),
        },
    )
    def post(self, request: Request) -> Response:
        try:
            payload = stripe_event_verify(
                payload=request.body, signature_header=request.META.get("HTTP_STRIPE_SIGNATURE")
            )
        except WebhookSignatureInvalid as error:
            security_event_record(
                type=SecurityEvent.Type.WEBHOOK_SIGNATURE_INVALID,
                severity=SecurityEvent.Severity.MEDIUM,
                ip_address=client_ip(request),
                details={
                    "provider": "stripe",
                    "reason": error.message[:200],
                    "signature_present": bool(request.META.get("HTTP_STRIPE_SIGNATURE")),
                },
            )
            raise
        return _process(payload)


class FakePaymentIntentSucceedApi(APIView):
    throttle_scope = "public"

    @extend_schema(
        operation_id="fake_payment_intent_succeed",
        tags=["payments"],
        summary="Development: pay a fake PaymentIntent",
        description=(
            "Only where FAKE_PAYMENTS_ENABLED (default: DEBUG in development), with the fake gateway "
            "(no STRIPE_SECRET_KEY), and never in production (404 otherwise). "
            "Marks the PaymentIntent succeeded by processing the payment_intent.succeeded event "
            "Stripe would send, through the same code as the webhook."
        ),
        parameters=[OpenApiParameter("payment_intent_id", OpenApiTypes.STR, OpenApiParameter.PATH)],
        request=None,
        responses={200: StripeEventAckOutputSerializer, 404: NOT_FOUND, 429: THROTTLED},
    )
    def post(self, request: Request, payment_intent_id: str) -> Response:
        if not settings.FAKE_PAYMENTS_ENABLED or settings.PRODUCTION or stripe_configured():
            raise NotFoundError("Not found.")
        if not _is_payment_intent_id(payment_intent_id):
            raise NotFoundError("No payment has this PaymentIntent.")
        return _process(payment_intent_id=payment_intent_id)


PAYMENT_INTENT_ID_MAX_LENGTH = 255  # Payment.stripe_payment_id


def _is_payment_intent_id(value: str) -> bool:
    """Could be a PaymentIntent id: printable ASCII that fits the column (a NUL is a DataError)."""
    return 0 < len(value) <= PAYMENT_INTENT_ID_MAX_LENGTH and value.isascii() and value.isprintable()


def _process(payload: dict | None = None, *, payment_intent_id: str = "") -> Response:
    try:
        if payment_intent_id:
            event = fake_payment_intent_succeed(payment_intent_id=payment_intent_id)
        else:
            event = stripe_event_handle(payload or {})
    except ServiceError as error:
        if isinstance(error, NotFoundError) or error.code in (
            MALFORMED_EVENT,
            PaymentErrors.PAYMENT_INTENT_CANCELED,
        ):
            raise  # the request is wrong: the error shape says how
        logger.exception("Processing Stripe event failed")
        return _processing_failed()
    except Exception:
        # Recorded on the event; a non-2xx answer makes Stripe deliver it again later.
        logger.exception("Processing Stripe event failed")
        return _processing_failed()
    return Response({"received": True, "event_id": event.event_id, "status": event.status})


def _processing_failed() -> Response:
    return error_response(
        PaymentErrors.WEBHOOK_PROCESSING_FAILED,
        "The event could not be processed; it will be retried.",
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
