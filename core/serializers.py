"""Input and output shapes of the customer booking API (core/api.py).

Inputs are strict about JSON types (a number is not a string, a consent box is true or
false), so that a confused client gets a 400 naming the field rather than a guess.
"""

import datetime

from django.core.validators import RegexValidator
from django.utils import timezone
from rest_framework import serializers

from kernel.contact import normalize_phone
from kernel.errors import ServiceError
from ops.policy import booking_rules
from ops.slots import parse_slot, slot_label
from pricing.serializers import QuoteOutputSerializer

# The default booking policy in words, for the OpenAPI help texts (per station at run time).
_RULES = booking_rules().as_context()
MAX_AVAILABILITY_DAYS = 92
MAX_PARTY = 100
MAX_ITEMS = 20
MAX_ITEM_QUANTITY = 500

zip_code_validator = RegexValidator(r"^\d{5}$", "Enter a 5-digit ZIP code.")
state_validator = RegexValidator(r"^[A-Za-z]{2}$", "Enter the 2-letter state code.")


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: not a string of digits, not a boolean, not 2.0."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false: consent is never inferred from "yes", 1 or "on"."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid")


class SlotField(serializers.CharField):
    """A slot as "HH:MM"; the time itself inside. Which times a station offers is its policy's
    (the availability lists them); the booking service refuses any other, on this field."""

    default_error_messages = {"invalid": "Enter a time as HH:MM, e.g. 18:00."}

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Local time of the station, HH:MM: one of its slots.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        slot = parse_slot(super().to_internal_value(data))
        if slot is None:
            self.fail("invalid")
        return slot

    def to_representation(self, value):
        return slot_label(value) if isinstance(value, datetime.time) else value


def _not_in_the_past(value: datetime.date) -> None:
    if value < timezone.localdate():
        raise serializers.ValidationError("Choose a date in the future.")


# --- Availability ----------------------------------------------------------------------------


class AvailabilityQueryInputSerializer(serializers.Serializer):
    zip_code = serializers.CharField(validators=[zip_code_validator], help_text="The event's ZIP code.")
    start = serializers.DateField(help_text="First date (YYYY-MM-DD).")
    end = serializers.DateField(help_text=f"Last date, at most {MAX_AVAILABILITY_DAYS} days after start.")

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "The end date must not be before the start date."})
        if (attrs["end"] - attrs["start"]).days + 1 > MAX_AVAILABILITY_DAYS:
            raise serializers.ValidationError(
                {"end": f"Ask for at most {MAX_AVAILABILITY_DAYS} days at a time."}
            )
        return attrs


class StationSummaryOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text="E.164; empty when the station has none.")
    address = serializers.SerializerMethodField(help_text='"47481 Towhee St, Fremont, CA 94539"')
    timezone = serializers.CharField(help_text="IANA name; every slot and deadline is in this zone.")

    def get_address(self, station) -> str:
        return f"{station.address}, {station.city}, {station.state} {station.zip_code}"


class AvailabilitySlotOutputSerializer(serializers.Serializer):
    slot = SlotField(help_text="Local time of the station.")
    available = serializers.BooleanField()
    remaining = serializers.IntegerField(help_text="Chefs still free (0 outside the booking window).")


class AvailabilityDayOutputSerializer(serializers.Serializer):
    date = serializers.DateField()
    slots = AvailabilitySlotOutputSerializer(many=True)


class AvailabilityOutputSerializer(serializers.Serializer):
    station = StationSummaryOutputSerializer()
    days = AvailabilityDayOutputSerializer(many=True)


class BookingQuoteOutputSerializer(QuoteOutputSerializer):
    """A booking's stored quote (Quote.as_dict() at booking time) in the quote's one shape; null
    for a booking whose stored quote is incomplete (made by hand before quotes were stored)."""

    def to_representation(self, instance):
        required = {"lines", "food_cents", "total_cents", "deposit_cents", "balance_cents", "station"}
        if not isinstance(instance, dict) or not required <= set(instance):
            return None
        return super().to_representation(instance)


# --- Booking creation -----------------------------------------------------------------------


class CustomerInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=32, help_text="Any US format; stored in E.164.")
    sms_consent = StrictBooleanField(
        required=False, default=False, help_text="True only when the customer ticked the SMS opt-in."
    )
    email_consent = StrictBooleanField(
        required=False, default=False, help_text="True only when the customer ticked the email opt-in."
    )

    def validate_phone(self, value: str) -> str:
        try:
            return normalize_phone(value)
        except ServiceError as exc:
            raise serializers.ValidationError(exc.message) from exc


class AddressInputSerializer(serializers.Serializer):
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    state = serializers.CharField(max_length=2, validators=[state_validator])
    zip_code = serializers.CharField(validators=[zip_code_validator])


class ItemInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=50)
    quantity = StrictIntegerField(min_value=1, max_value=MAX_ITEM_QUANTITY, help_text="Servings.")


class PartyInputSerializer(serializers.Serializer):
    """The party and its menu, as booking create and the manage link's party change take them."""

    party_adults = StrictIntegerField(min_value=1, max_value=MAX_PARTY, help_text="13 and over.")
    party_kids = StrictIntegerField(
        min_value=0, max_value=MAX_PARTY, required=False, default=0, help_text="6 to 12."
    )
    party_toddlers = StrictIntegerField(
        min_value=0, max_value=MAX_PARTY, required=False, default=0, help_text="5 and under; they eat free."
    )
    items = serializers.ListField(
        child=ItemInputSerializer(),
        required=False,
        default=list,
        max_length=MAX_ITEMS,
        help_text="Upgrades and add-ons.",
    )

    def validate_items(self, items: list[dict]) -> list[dict]:
        codes = [item["code"] for item in items]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError("List each item once, with its quantity.")
        return items


class BookingCreateInputSerializer(PartyInputSerializer):
    customer = CustomerInputSerializer()
    date = serializers.DateField(validators=[_not_in_the_past])
    slot = SlotField()
    address = AddressInputSerializer()
    special_requests = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class BookingCreatedOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    date = serializers.DateField()
    slot = SlotField()
    station = StationSummaryOutputSerializer()
    quote = BookingQuoteOutputSerializer(
        allow_null=True, help_text="The itemized quote the booking was priced at."
    )
    total_due_cents = serializers.IntegerField()
    deposit_due_cents = serializers.IntegerField()
    deposit_due_by = serializers.DateTimeField(source="deposit_due_at")
    manage_token = serializers.CharField(help_text="Reaches the booking at /api/v1/bookings/manage/{token}/.")


# --- Managing a booking ----------------------------------------------------------------------


class PartyOutputSerializer(serializers.Serializer):
    adults = serializers.IntegerField(source="party_adults")
    kids = serializers.IntegerField(source="party_kids")
    toddlers = serializers.IntegerField(source="party_toddlers")


class PaymentOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    method = serializers.CharField()
    amount_cents = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class CustomerActionsOutputSerializer(serializers.Serializer):
    can_cancel = serializers.BooleanField()
    cancel_becomes_request = serializers.BooleanField(
        help_text=f"Inside {_RULES['refund_notice']} a cancellation is a request that staff decide on."
    )
    cancel_refund_cents = serializers.IntegerField(help_text="Refunded if cancelled now.")
    can_reschedule = serializers.BooleanField(help_text=f"Up to {_RULES['change_cutoff']} before the event.")
    can_review = serializers.BooleanField()
    can_pay_deposit = serializers.BooleanField(help_text="POST .../deposit/ for the PaymentIntent.")
    can_pay_balance = serializers.BooleanField(help_text="POST .../balance/ for the PaymentIntent.")
    can_change_party = serializers.BooleanField(
        help_text=f"POST .../party/ or .../address/; up to {_RULES['change_cutoff']} before the event."
    )
    pay_deposit_by = serializers.DateTimeField(
        allow_null=True, help_text="Unpaid by then, the booking is cancelled; null once paid."
    )
    change_until = serializers.DateTimeField(
        allow_null=True, help_text="Last moment to reschedule or change party, menu or address online."
    )
    cancel_with_refund_until = serializers.DateTimeField(
        allow_null=True, help_text="Cancelled before this, what was paid is refunded; after it, a request."
    )


class BookingRulesOutputSerializer(serializers.Serializer):
    """The booking's station's rules in words, for the manage page to state (never hard-coded)."""

    refund_notice = serializers.CharField(help_text='Cancel this long ahead for a refund, e.g. "4 days".')
    change_cutoff = serializers.CharField(help_text="Reschedule or change online up to this long ahead.")
    booking_min_lead = serializers.CharField()
    booking_max_ahead = serializers.CharField()
    deposit_deadline = serializers.CharField()
    staff_party_size = serializers.IntegerField(help_text="Parties this large are arranged with staff.")


class BookingManageOutputSerializer(serializers.Serializer):
    reference = serializers.CharField(source="booking.reference")
    status = serializers.CharField(source="booking.status")
    date = serializers.DateField(source="booking.date")
    slot = SlotField(source="booking.slot")
    starts_at = serializers.DateTimeField()
    station = StationSummaryOutputSerializer(source="booking.station")
    party = PartyOutputSerializer(source="booking")
    address = serializers.CharField(source="booking.address", help_text="The event address.")
    special_requests = serializers.CharField(source="booking.special_requests")
    quote = BookingQuoteOutputSerializer(
        source="booking.quote", allow_null=True, help_text="The itemized quote, with its lines."
    )
    total_due_cents = serializers.IntegerField(source="booking.total_due_cents")
    deposit_due_cents = serializers.IntegerField(source="booking.deposit_due_cents")
    deposit_due_by = serializers.DateTimeField(source="booking.deposit_due_at", allow_null=True)
    amount_paid_cents = serializers.IntegerField(help_text="Paid and not refunded.")
    balance_due_cents = serializers.IntegerField(
        help_text="The balance: total_due_cents minus amount_paid_cents, never below 0."
    )
    refund_due_cents = serializers.IntegerField(
        source="booking.refund_due_cents", help_text="After a cancellation: still to be refunded."
    )
    payments = PaymentOutputSerializer(many=True)
    actions = CustomerActionsOutputSerializer()
    rules = BookingRulesOutputSerializer()


class BookingCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BookingPartyChangeInputSerializer(PartyInputSerializer):
    """The whole new party: the items listed replace the booking's items."""


class BookingAddressChangeInputSerializer(serializers.Serializer):
    address = AddressInputSerializer()


class BookingRescheduleInputSerializer(serializers.Serializer):
    date = serializers.DateField(validators=[_not_in_the_past])
    slot = SlotField()


class CustomerContactUpdateInputSerializer(serializers.Serializer):
    """What the customer may change about themselves; a field left out is left as it is."""

    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)
    phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True, help_text="Any US format; empty removes it."
    )
    sms_consent = StrictBooleanField(required=False, help_text="True to opt in to texts, false to opt out.")
    email_consent = StrictBooleanField(
        required=False, help_text="True to opt in to marketing email, false to opt out."
    )


class CustomerContactOutputSerializer(serializers.Serializer):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField(help_text="Changed only by staff.")
    phone = serializers.CharField()
    sms_consent = serializers.BooleanField()
    sms_consent_at = serializers.DateTimeField(allow_null=True)
    email_consent = serializers.BooleanField()
    email_consent_at = serializers.DateTimeField(allow_null=True)


class ReviewCreateInputSerializer(serializers.Serializer):
    rating = StrictIntegerField(min_value=1, max_value=5)
    content = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewCreatedOutputSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    content = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReviewPublicOutputSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    content = serializers.CharField()
    author = serializers.SerializerMethodField(help_text='First name and last initial, e.g. "Ada L."')
    created_at = serializers.DateTimeField()

    def get_author(self, review) -> str:
        first, last = review.customer.first_name.strip(), review.customer.last_name.strip()
        return f"{first} {last[:1]}.".strip() if last else first
