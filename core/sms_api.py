"""The SMS provider's inbound webhook: customers' texts (STOP, START, HELP, or a question).

Authenticated by Twilio's request signature (X-Twilio-Signature: HMAC-SHA1 of SITE_URL + the
path + the sorted POST parameters, keyed with TWILIO_AUTH_TOKEN; see core/notifications/sms.py).
SITE_URL rather than the Host header: behind a proxy the URL Twilio signed is the public one.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from audit.models import SecurityEvent
from audit.services import security_event_record
from core.notifications.sms import twilio_signature_valid
from core.services.messaging import sms_inbound_receive
from kernel.api import error_response
from kernel.client_ip import client_ip
from kernel.error_codes import MessagingErrors
from kernel.openapi import documented_error

# Replies are sent through the SMS gateway (and stored in the thread), not in the response.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class SmsInboundInputSerializer(serializers.Serializer):
    """The parameters of Twilio's request that we use (it sends more; all are signed)."""

    MessageSid = serializers.CharField(max_length=64)
    From = serializers.CharField(max_length=32)
    To = serializers.CharField(max_length=32, required=False)
    # A picture without words comes with an empty Body.
    Body = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=1600, trim_whitespace=False
    )


class SmsInboundReceiveApi(APIView):
    """Not throttled, like Stripe's webhook: the signature authenticates it, and a lost STOP is
    worse than a busy minute."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    parser_classes = [FormParser]

    @extend_schema(
        operation_id="sms_inbound_receive",
        tags=["messages"],
        summary="Inbound SMS (Twilio webhook)",
        description=(
            "A customer's text, posted by Twilio and signed with X-Twilio-Signature. STOP, "
            "UNSUBSCRIBE, CANCEL, END or QUIT withdraw SMS consent (one confirmation is texted); "
            "START, UNSTOP or YES give it again; HELP is answered with our contact details; any "
            "other text is stored in the customer's thread, flagged for staff. The customer is "
            "found by phone number; a text from an unknown number is kept as an `sms` lead (its "
            "words and number, no customer record). "
            "Always an empty TwiML response: replies go out through the SMS gateway. 403 for a "
            "missing or invalid signature."
        ),
        parameters=[
            OpenApiParameter(
                "X-Twilio-Signature",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="base64 HMAC-SHA1 of the URL and the sorted POST parameters.",
            )
        ],
        request={"application/x-www-form-urlencoded": SmsInboundInputSerializer},
        responses={
            (200, "text/xml"): OpenApiResponse(description="Empty TwiML: <Response></Response>."),
            400: documented_error("A signed request without From or MessageSid."),
            403: documented_error("Missing or invalid signature."),
        },
    )
    def post(self, request: Request) -> HttpResponse:
        try:
            data = request.data
        except (exceptions.ParseError, exceptions.UnsupportedMediaType):
            data = {}
        # A form body parses to a QueryDict; an empty body without a form Content-Type to a
        # plain dict: the signature is then checked over no parameters.
        params = {name: values for name, values in data.lists()} if hasattr(data, "lists") else {}
        signature = request.META.get("HTTP_X_TWILIO_SIGNATURE", "")
        url = f"{settings.SITE_URL}{request.get_full_path()}"
        if not twilio_signature_valid(
            url=url, params=params, signature=signature, auth_token=settings.TWILIO_AUTH_TOKEN
        ):
            security_event_record(
                type=SecurityEvent.Type.WEBHOOK_SIGNATURE_INVALID,
                severity=SecurityEvent.Severity.MEDIUM,
                ip_address=client_ip(request),
                details={
                    "provider": "twilio",
                    "webhook": "sms_inbound",
                    "reason": "signature mismatch" if signature else "missing signature",
                },
            )
            return error_response(
                MessagingErrors.SMS_SIGNATURE_INVALID,
                "The request is not signed by the SMS provider.",
                status_code=status.HTTP_403_FORBIDDEN,
            )

        serializer = SmsInboundInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sms_inbound_receive(from_phone=data["From"], body=data["Body"], provider_id=data["MessageSid"])
        return HttpResponse(EMPTY_TWIML, content_type="text/xml")
