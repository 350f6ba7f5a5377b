"""The customer booking API: availability, booking, managing a booking through its signed link, reviews.

Public (customers have no passwords) and throttled per client IP; a booking is reached only
through its manage token. Reads go through selectors, writes through services; every 4xx has
the one error shape of kernel.api.exception_handler.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.actor import Actor
from core.api_output import booking_created_body, booking_manage_body, station_summary
from core.availability import availability_days
from core.manage_cache import manage_body_keep, manage_body_kept
from core.models import Booking
from core.payments.serializers import BookingCreatedWithPaymentOutputSerializer
from core.selectors import booking_manage_view, reviews_public
from core.serializers import (
    AvailabilityOutputSerializer,
    AvailabilityQueryInputSerializer,
    BookingAddressChangeInputSerializer,
    BookingCancelInputSerializer,
    BookingCreateInputSerializer,
    BookingManageOutputSerializer,
    BookingPartyChangeInputSerializer,
    BookingRescheduleInputSerializer,
    CustomerContactOutputSerializer,
    CustomerContactUpdateInputSerializer,
    ReviewCreatedOutputSerializer,
    ReviewCreateInputSerializer,
    ReviewPublicOutputSerializer,
)
from core.services.bookings import (
    BookingRequest,
    booking_cancel,
    booking_change_address,
    booking_change_party,
    booking_create,
    booking_reschedule,
)
from core.services.customers import customer_update_contact
from core.services.reviews import review_create
from core.tokens import booking_from_manage_token
from kernel.client_ip import client_ip
from kernel.errors import ServiceError
from kernel.openapi import INVALID, NO_PRICING_POLICY, THROTTLED, TOO_LARGE, documented_error
from ops.policy import booking_rules
from pricing.distance import serving_station_for_zip

# The default booking policy in words, for the OpenAPI descriptions (per station at run time).
_RULES = booking_rules().as_context()

NOT_FOUND = documented_error("The booking link is not valid.")
CONFLICT = documented_error("The booking's state or the slot does not allow it.")
UNAVAILABLE = NO_PRICING_POLICY

TOKEN_PARAMETER = OpenApiParameter(
    "token", OpenApiTypes.STR, OpenApiParameter.PATH, description="The booking's signed manage token."
)
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (e.g. a UUID) per booking attempt. Retrying with the same key and body "
        "returns the same booking; the same key with another body is a 409 idempotency_key_reused."
    ),
)
IDEMPOTENCY_KEY_MAX_LENGTH = 255


def manage_response(booking: Booking, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(booking_manage_body(booking_manage_view(booking=booking)), status=status_code)


class AvailabilityListApi(APIView):
    throttle_scope = "public"

    @extend_schema(
        operation_id="availability_list",
        tags=["bookings"],
        summary="Free slots for an event location",
        description=(
            "For the station serving the ZIP code, each date from start to end (at most 92 days) "
            "with the station's slots (its local time), whether each can be booked, and how many "
            f"chefs are still free. Slots less than {_RULES['booking_min_lead']} or more than "
            f"{_RULES['booking_max_ahead']} ahead are not available. 400 (field zip_code) for an "
            "unknown ZIP or one outside the service area."
        ),
        parameters=[AvailabilityQueryInputSerializer],
        responses={200: AvailabilityOutputSerializer, 400: INVALID, 429: THROTTLED},
    )
    def get(self, request: Request) -> Response:
        query = AvailabilityQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        station = serving_station_for_zip(query.validated_data["zip_code"], on_date=start).station
        days = availability_days(station=station, start=start, end=end)
        return Response({"station": station_summary(station), "days": days})


class BookingCreateApi(APIView):
    throttle_scope = "bookings"

    @extend_schema(
        operation_id="booking_create",
        tags=["bookings"],
        summary="Book a hibachi party",
        description=(
            "Books a slot: the server prices the party, assigns a chef, and returns the booking "
            f"(deposit_pending, deposit due within {_RULES['deposit_deadline']}) with its manage "
            "token. The customer is found by email or created; SMS and email consent are recorded "
            "only when true. "
            "409 `slot_unavailable` when no chef is free, `duplicate_booking` when this customer "
            "already holds the slot, `idempotency_key_reused` for a reused Idempotency-Key."
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=BookingCreateInputSerializer,
        responses={
            201: BookingCreatedWithPaymentOutputSerializer,
            400: INVALID,
            409: CONFLICT,
            413: TOO_LARGE,
            429: THROTTLED,
            503: UNAVAILABLE,
        },
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable() or not key.isascii():
            raise ServiceError(
                f"An Idempotency-Key is at most {IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters.",
                field="Idempotency-Key",
            )
        payload = BookingCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        booking = booking_create(
            request=BookingRequest(
                customer=data["customer"],
                date=data["date"],
                slot=data["slot"],
                address=data["address"],
                party_adults=data["party_adults"],
                party_kids=data["party_kids"],
                party_toddlers=data["party_toddlers"],
                items=data["items"],
                special_requests=data["special_requests"],
                source=Booking.Source.WEBSITE,
            ),
            actor=Actor.customer_of_request(request, label=data["customer"]["email"]),
            idempotency_key=key or None,
        )
        return Response(booking_created_body(booking), status=status.HTTP_201_CREATED)


class _ManageTokenApi(APIView):
    throttle_scope = "manage"

    def booking(self, request: Request, token: str) -> Booking:
        return booking_from_manage_token(token, ip_address=client_ip(request))


class BookingManageDetailApi(_ManageTokenApi):
    @extend_schema(
        operation_id="booking_manage_detail",
        tags=["bookings"],
        summary="A booking, through its manage link",
        description=(
            "The booking for its customer: status, date and slot, party, address, quote, "
            "payments, and the actions allowed now (cancel, and whether it refunds or becomes a "
            "request; reschedule; review). 404 for an invalid link."
        ),
        parameters=[TOKEN_PARAMETER],
        responses={200: BookingManageOutputSerializer, 404: NOT_FOUND, 429: THROTTLED},
    )
    def get(self, request: Request, token: str) -> Response:
        body, key = manage_body_kept(token)
        if body is None:
            booking = booking_from_manage_token(token, ip_address=client_ip(request), with_customer=False)
            view = booking_manage_view(booking=booking)
            body = booking_manage_body(view)
            if key is not None:
                manage_body_keep(key, view, body)
        return Response(body)


class BookingManageCancelApi(_ManageTokenApi):
    @extend_schema(
        operation_id="booking_manage_cancel",
        tags=["bookings"],
        summary="Cancel a booking",
        description=(
            f"{_RULES['refund_notice']} or more before the event the booking is cancelled and the "
            f"deposit paid is due back; inside {_RULES['refund_notice']} it becomes a cancellation "
            "request that staff decide on."
        ),
        parameters=[TOKEN_PARAMETER],
        request=BookingCancelInputSerializer,
        responses={
            200: BookingManageOutputSerializer,
            400: INVALID,
            404: NOT_FOUND,
            409: CONFLICT,
            429: THROTTLED,
        },
    )
    def post(self, request: Request, token: str) -> Response:
        booking = self.booking(request, token)
        payload = BookingCancelInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        booking = booking_cancel(
            booking=booking,
            actor=Actor.customer_of_request(request, label=f"customer of {booking.reference}"),
            reason=payload.validated_data["reason"],
            by_customer=True,
        )
        return manage_response(booking)


class BookingManageRescheduleApi(_ManageTokenApi):
    @extend_schema(
        operation_id="booking_manage_reschedule",
        tags=["bookings"],
        summary="Move a booking to another slot",
        description=(
            f"Up to {_RULES['change_cutoff']} before the event, to a slot inside the booking window "
            "with a free chef. 409 `slot_unavailable` when the slot is full, "
            f"`reschedule_window_closed` inside {_RULES['change_cutoff']}."
        ),
        parameters=[TOKEN_PARAMETER],
        request=BookingRescheduleInputSerializer,
        responses={
            200: BookingManageOutputSerializer,
            400: INVALID,
            404: NOT_FOUND,
            409: CONFLICT,
            429: THROTTLED,
        },
    )
    def post(self, request: Request, token: str) -> Response:
        booking = self.booking(request, token)
        payload = BookingRescheduleInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        booking = booking_reschedule(
            booking=booking,
            date=payload.validated_data["date"],
            slot=payload.validated_data["slot"],
            actor=Actor.customer_of_request(request, label=f"customer of {booking.reference}"),
            by_customer=True,
        )
        return manage_response(booking)


class BookingManagePartyChangeApi(_ManageTokenApi):
    @extend_schema(
        operation_id="booking_manage_party_change",
        tags=["bookings"],
        summary="Change the party and menu",
        description=(
            "The same party fields as booking create (`party_adults`, `party_kids`, "
            "`party_toddlers`, `items`); the items listed replace the booking's. The server "
            "reprices the party (party minimum, at most two upgrades per guest); what was paid "
            "stays paid and the balance due follows the new total. Up to the station's change "
            f"cutoff before the event ({_RULES['change_cutoff']} unless its booking policy "
            "says otherwise). 400 for an invalid party or item (`too_many_upgrades`, "
            "`unknown_item`); 409 `change_window_closed` inside the cutoff, `invalid_transition` "
            "for a booking that is no longer active."
        ),
        parameters=[TOKEN_PARAMETER],
        request=BookingPartyChangeInputSerializer,
        responses={
            200: BookingManageOutputSerializer,
            400: INVALID,
            404: NOT_FOUND,
            409: CONFLICT,
            429: THROTTLED,
        },
    )
    def post(self, request: Request, token: str) -> Response:
        booking = self.booking(request, token)
        payload = BookingPartyChangeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        booking = booking_change_party(
            booking=booking,
            party_adults=data["party_adults"],
            party_kids=data["party_kids"],
            party_toddlers=data["party_toddlers"],
            items=[{"code": item["code"], "quantity": item["quantity"]} for item in data["items"]],
            actor=Actor.customer_of_request(request, label=f"customer of {booking.reference}"),
            by_customer=True,
        )
        return manage_response(booking)


class BookingManageAddressChangeApi(_ManageTokenApi):
    @extend_schema(
        operation_id="booking_manage_address_change",
        tags=["bookings"],
        summary="Move the event to another address",
        description=(
            "The address as in booking create. A new ZIP code is re-quoted (the travel fee may "
            "change the total). Up to the station's change cutoff before the event "
            f"({_RULES['change_cutoff']} unless its booking policy says otherwise). 400 "
            "(field `address.zip_code`) outside the service area or in another station's area; "
            "409 `change_window_closed` inside the cutoff."
        ),
        parameters=[TOKEN_PARAMETER],
        request=BookingAddressChangeInputSerializer,
        responses={
            200: BookingManageOutputSerializer,
            400: INVALID,
            404: NOT_FOUND,
            409: CONFLICT,
            429: THROTTLED,
        },
    )
    def post(self, request: Request, token: str) -> Response:
        booking = self.booking(request, token)
        payload = BookingAddressChangeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        booking = booking_change_address(
            booking=booking,
            address=payload.validated_data["address"],
            actor=Actor.customer_of_request(request, label=f"customer of {booking.reference}"),
            by_customer=True,
        )
        return manage_response(booking)


class BookingManageReviewCreateApi(_ManageTokenApi):
    @extend_schema(
        operation_id="booking_manage_review_create",
        tags=["reviews"],
        summary="Review a completed booking",
        description="Once per completed booking; the review is published after moderation.",
        parameters=[TOKEN_PARAMETER],
        request=ReviewCreateInputSerializer,
        responses={
            201: ReviewCreatedOutputSerializer,
            400: INVALID,
            404: NOT_FOUND,
            409: CONFLICT,
            429: THROTTLED,
        },
    )
    def post(self, request: Request, token: str) -> Response:
        booking = self.booking(request, token)
        payload = ReviewCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        review = review_create(
            booking=booking,
            rating=payload.validated_data["rating"],
            content=payload.validated_data["content"],
            actor=Actor.customer_of_request(request, label=f"customer of {booking.reference}"),
        )
        return Response(ReviewCreatedOutputSerializer(review).data, status=status.HTTP_201_CREATED)


class CustomerContactUpdateApi(_ManageTokenApi):
    @extend_schema(
        operation_id="customer_contact_update",
        tags=["bookings"],
        summary="Change the customer's stored name, phone and consents",
        description=(
            "Through the link emailed to the customer (a token from a message to their stored "
            "email address; the token the booking form was answered with gets 403 "
            "`emailed_link_required`, because whoever filled in that form may have typed someone "
            "else's email). Every field is optional; consent given or withdrawn is recorded with "
            "its time and text; a new phone number needs SMS consent again. Audited."
        ),
        parameters=[TOKEN_PARAMETER],
        request=CustomerContactUpdateInputSerializer,
        responses={
            200: CustomerContactOutputSerializer,
            400: INVALID,
            403: documented_error("Not a link from an email to the customer (`emailed_link_required`)."),
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def patch(self, request: Request, token: str) -> Response:
        booking = booking_from_manage_token(token, ip_address=client_ip(request), require_emailed=True)
        payload = CustomerContactUpdateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer = customer_update_contact(
            customer=booking.customer,
            **payload.validated_data,
            actor=Actor.customer_of_request(request, label=f"customer of {booking.reference}"),
            reason=f"through the manage link of {booking.reference}",
        )
        return Response(CustomerContactOutputSerializer(customer).data)


class ReviewPagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 50


class ReviewListApi(generics.ListAPIView):
    throttle_scope = "public"
    serializer_class = ReviewPublicOutputSerializer
    pagination_class = ReviewPagination

    @extend_schema(
        operation_id="reviews_list",
        tags=["reviews"],
        summary="Published reviews",
        description="Approved reviews, newest first, with the reviewer's first name and last initial.",
        responses={200: ReviewPublicOutputSerializer(many=True), 429: THROTTLED},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return reviews_public()
