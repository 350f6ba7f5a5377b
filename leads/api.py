"""The public endpoints of the lead funnel: an itemized quote, and an inquiry.

Both are open to anyone and throttled per client IP (settings.API_THROTTLE_RATES). Errors
take the one shape of kernel.api.exception_handler.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.actor import Actor
from core.services.customers import EMAIL_CONSENT_TEXT, SMS_CONSENT_TEXT
from crm.models import Lead
from kernel.openapi import INVALID, NO_PRICING_POLICY, THROTTLED
from leads.models import LeadEvent
from leads.serializers import (
    LeadCreateInputSerializer,
    LeadCreateOutputSerializer,
    LeadFunnelEventInputSerializer,
    LeadFunnelEventOutputSerializer,
    QuoteInputSerializer,
)
from leads.services import lead_capture, lead_funnel_event_record
from pricing.quote import quote_compute
from pricing.serializers import QuoteOutputSerializer, quote_output

UNAVAILABLE = NO_PRICING_POLICY


class QuoteComputeApi(APIView):
    throttle_scope = "quotes"

    @extend_schema(
        operation_id="quote_compute",
        tags=["quotes"],
        summary="An itemized quote for a party",
        description=(
            "Computes the price of a party at a ZIP code from the server's prices: food (raised "
            "to the party minimum), travel fee from the serving station, tax, deposit and balance. "
            "With a contact email or phone, the quote request is kept as a lead to follow up on. "
            "Errors: 400 for invalid input, an unknown ZIP code or item (`unknown_item`), or a "
            "location outside the service area (`outside_service_area`)."
        ),
        request=QuoteInputSerializer,
        responses={200: QuoteOutputSerializer, 400: INVALID, 429: THROTTLED, 503: UNAVAILABLE},
        examples=[
            OpenApiExample(
                "Twelve adults with an upgrade",
                request_only=True,
                value={
                    "party_adults": 12,
                    "party_kids": 2,
                    "zip_code": "94539",
                    "items": [{"code": "filet_mignon", "quantity": 4}],
                    "date": "2027-07-04",
                    "contact": {"first_name": "Ann", "email": "ann@example.com"},
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = QuoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        items = [{"code": item["code"], "quantity": item["quantity"]} for item in data["items"]]

        quote = quote_compute(
            zip_code=data["zip_code"],
            party_adults=data["party_adults"],
            party_kids=data["party_kids"],
            party_toddlers=data["party_toddlers"],
            items=items,
            on_date=data["date"],
        )
        body = quote_output(quote.as_dict())

        contact = data["contact"] or {}
        if contact.get("email") or contact.get("phone"):
            lead_capture(
                source=Lead.Source.WEB_QUOTE,
                event_type=LeadEvent.Type.QUOTE_REQUESTED,
                first_name=contact["first_name"],
                last_name=contact["last_name"],
                email=contact["email"],
                phone=contact["phone"],
                event_date=data["date"],
                party_adults=data["party_adults"],
                party_kids=data["party_kids"],
                zip_code=data["zip_code"],
                payload={
                    "total_cents": quote.total_cents,
                    "party_toddlers": data["party_toddlers"],
                    "items": items,
                    "station": body["station"]["code"],
                },
                actor=Actor.from_request(request),
            )
        return Response(body)


class LeadCreateApi(APIView):
    throttle_scope = "leads"

    @extend_schema(
        operation_id="lead_create",
        tags=["leads"],
        summary="Send us an inquiry",
        description=(
            "Records an inquiry as a lead: the open lead with the same email or phone is "
            "updated, otherwise a new one is created. An email or a phone is required. The "
            "budget is in cents, like every amount in this API. Consent to texts and marketing "
            "emails is recorded with the inquiry, only when given explicitly."
        ),
        request=LeadCreateInputSerializer,
        responses={201: LeadCreateOutputSerializer, 400: INVALID, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        serializer = LeadCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        lead = lead_capture(
            source=data["source"],
            event_type=LeadEvent.Type.INQUIRY,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"],
            event_date=data["date"],
            party_adults=data["party_adults"],
            party_kids=data["party_kids"],
            budget_cents=data["budget_cents"],
            zip_code=data["zip_code"],
            message=data["message"],
            payload={
                "channel": "website_form",
                "source": data["source"],
                "sms_consent": data["sms_consent"],
                "email_consent": data["email_consent"],
                # What the consent was given for, in the form's words: recorded on the customer
                # if the lead converts (leads.services.funnel.inquiry_consent_apply).
                "email": data["email"],
                "phone": data["phone"],
                "sms_consent_text": SMS_CONSENT_TEXT if data["sms_consent"] else "",
                "email_consent_text": EMAIL_CONSENT_TEXT if data["email_consent"] else "",
            },
            actor=Actor.from_request(request),
        )
        return Response(LeadCreateOutputSerializer(lead).data, status=status.HTTP_201_CREATED)


class LeadFunnelEventCreateApi(APIView):
    throttle_scope = "leads"

    @extend_schema(
        operation_id="lead_funnel_event_create",
        tags=["leads"],
        summary="Record a step of the booking funnel",
        description=(
            "The customer website reports a step of someone who gave contact details: "
            "`started_booking` (the booking form opened with their details; a lead is created when "
            "there is none) or `checked_availability` (dates looked up; recorded on the open lead "
            "with that email or phone, if there is one). An email or a phone is required."
        ),
        request=LeadFunnelEventInputSerializer,
        responses={201: LeadFunnelEventOutputSerializer, 400: INVALID, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        serializer = LeadFunnelEventInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lead = lead_funnel_event_record(
            event_type=data["event"],
            email=data["email"],
            phone=data["phone"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            payload={
                key: data[key]
                for key in ("event_date", "party_adults", "zip_code")
                if data.get(key) not in (None, "")
            },
            actor=Actor.from_request(request),
        )
        return Response({"recorded": lead is not None}, status=status.HTTP_201_CREATED)
