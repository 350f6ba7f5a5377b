"""Input and output shapes of the public quote and lead endpoints.

Input serializers check types and ranges so that a bad request is a 400 naming the field;
the business rules stay in pricing.quote and leads.services.
"""

from django.utils import timezone
from rest_framework import serializers

from core.serializers import StrictIntegerField
from crm.models import Lead
from kernel.contact import normalize_phone
from kernel.errors import ServiceError
from pricing.serializers import QuoteLineOutputSerializer, QuoteOutputSerializer, QuoteStationOutputSerializer

# The quote's output shape lives in pricing (a booking shows the same body); re-exported here.
__all__ = ["QuoteLineOutputSerializer", "QuoteOutputSerializer", "QuoteStationOutputSerializer"]

MAX_QUOTE_PARTY = 100
MAX_QUOTE_ITEMS = 20
MAX_ITEM_QUANTITY = 500
# An inquiry may be for a party larger than the online quote takes (a corporate event).
MAX_INQUIRY_PARTY = 1000
MAX_BUDGET_CENTS = 10_000_000  # $100,000
MAX_MESSAGE_LENGTH = 2000
ZIP_CODE_PATTERN = r"^\d{5}$"
ZIP_CODE_ERRORS = {"invalid": "Enter a 5-digit ZIP code."}

# The sources a customer's own request may claim; booking_failed is recorded by the
# booking service, never sent by a client.
PUBLIC_LEAD_SOURCES = [
    Lead.Source.WEBSITE,
    Lead.Source.WEB_QUOTE,
    Lead.Source.INSTAGRAM,
    Lead.Source.FACEBOOK,
    Lead.Source.GOOGLE,
    Lead.Source.YELP,
    Lead.Source.REFERRAL,
    Lead.Source.EVENT,
    Lead.Source.PHONE,
    Lead.Source.SMS,
    Lead.Source.CHAT,
]


class PhoneField(serializers.CharField):
    """A phone number as people type it, returned in E.164 ('(510) 555-1234' -> '+15105551234')."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("help_text", "A US phone number in any common format; stored in E.164.")
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        phone = super().to_internal_value(data)
        if not phone:
            return ""
        try:
            return normalize_phone(phone)
        except ServiceError as exc:
            raise serializers.ValidationError(exc.message) from exc


class FutureOrTodayDateField(serializers.DateField):
    def to_internal_value(self, value):
        event_date = super().to_internal_value(value)
        if event_date < timezone.localdate():
            raise serializers.ValidationError("The event date is in the past.")
        return event_date


def _name_field() -> serializers.CharField:
    return serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


def _email_field() -> serializers.EmailField:
    return serializers.EmailField(
        max_length=254, required=False, allow_blank=True, default="", help_text="Stored lower-cased."
    )


# --- Quotes ----------------------------------------------------------------------------


class QuoteItemInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="An upgrade or add-on code from the menu.")
    quantity = StrictIntegerField(min_value=1, max_value=MAX_ITEM_QUANTITY, help_text="Servings.")


class QuoteContactInputSerializer(serializers.Serializer):
    first_name = _name_field()
    last_name = _name_field()
    email = _email_field()
    phone = PhoneField()


class QuoteInputSerializer(serializers.Serializer):
    party_adults = StrictIntegerField(min_value=1, max_value=MAX_QUOTE_PARTY, help_text="13 and over.")
    party_kids = StrictIntegerField(min_value=0, max_value=MAX_QUOTE_PARTY, default=0, help_text="6 to 12.")
    party_toddlers = StrictIntegerField(
        min_value=0, max_value=MAX_QUOTE_PARTY, default=0, help_text="5 and under; they eat free."
    )
    zip_code = serializers.RegexField(
        ZIP_CODE_PATTERN, max_length=5, error_messages=ZIP_CODE_ERRORS, help_text="The event's ZIP code."
    )
    items = serializers.ListField(
        child=QuoteItemInputSerializer(), max_length=MAX_QUOTE_ITEMS, required=False, default=list
    )
    date = FutureOrTodayDateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The event's date (YYYY-MM-DD): prices in effect then; today when left out.",
    )
    contact = QuoteContactInputSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text="With an email or a phone, we keep the quote to follow up on it.",
    )


# --- Leads -----------------------------------------------------------------------------


class LeadCreateInputSerializer(serializers.Serializer):
    first_name = _name_field()
    last_name = _name_field()
    email = _email_field()
    phone = PhoneField()
    date = FutureOrTodayDateField(
        required=False, allow_null=True, default=None, help_text="The event's date, when known."
    )
    party_adults = StrictIntegerField(
        min_value=1, max_value=MAX_INQUIRY_PARTY, required=False, allow_null=True, default=None
    )
    # An inquiry may not know its party yet: left out is "not said" (null), not 0.
    party_kids = StrictIntegerField(
        min_value=0, max_value=MAX_INQUIRY_PARTY, required=False, allow_null=True, default=None
    )
    zip_code = serializers.RegexField(
        ZIP_CODE_PATTERN,
        max_length=5,
        required=False,
        allow_blank=True,
        default="",
        error_messages=ZIP_CODE_ERRORS,
    )
    budget_cents = StrictIntegerField(
        min_value=0,
        max_value=MAX_BUDGET_CENTS,
        required=False,
        allow_null=True,
        default=None,
        help_text="The budget in cents, like every amount in this API ($800 is 80000).",
    )
    message = serializers.CharField(
        max_length=MAX_MESSAGE_LENGTH, required=False, allow_blank=True, default=""
    )
    source = serializers.ChoiceField(
        choices=PUBLIC_LEAD_SOURCES, default=Lead.Source.WEBSITE, help_text="How they found us."
    )
    sms_consent = serializers.BooleanField(
        default=False, help_text="An explicit opt-in to text messages; never assumed."
    )
    email_consent = serializers.BooleanField(default=False, help_text="An opt-in to marketing emails.")

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("email") and not attrs.get("phone"):
            raise serializers.ValidationError({"email": ["Give an email address or a phone number."]})
        return attrs


class LeadCreateOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Lead.Status.choices)
    score = serializers.IntegerField(help_text="0 to 100.")
    quality = serializers.ChoiceField(choices=Lead.Quality.choices)


class LeadFunnelEventInputSerializer(serializers.Serializer):
    event = serializers.ChoiceField(
        choices=[("checked_availability", "Checked availability"), ("started_booking", "Started booking")],
        help_text="checked_availability: dates looked up; "
        "started_booking: the booking form opened with contact details.",
    )
    email = _email_field()
    phone = PhoneField()
    first_name = _name_field()
    last_name = _name_field()
    event_date = serializers.DateField(required=False, allow_null=True, default=None)
    party_adults = serializers.IntegerField(
        min_value=1, max_value=MAX_INQUIRY_PARTY, required=False, allow_null=True, default=None
    )
    zip_code = serializers.RegexField(
        ZIP_CODE_PATTERN,
        max_length=5,
        required=False,
        allow_blank=True,
        default="",
        error_messages=ZIP_CODE_ERRORS,
    )

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("email") and not attrs.get("phone"):
            raise serializers.ValidationError({"email": ["Give an email address or a phone number."]})
        return attrs


class LeadFunnelEventOutputSerializer(serializers.Serializer):
    recorded = serializers.BooleanField(
        help_text="False: no open lead has this contact (availability checks only)."
    )
