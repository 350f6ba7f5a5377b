"""The customer forms: they parse what was typed; the services decide what is allowed.

Labels are the words a customer reads. A form checks shape only (a number, an email, a date);
prices, windows, capacity and the service area are the services' to refuse, and their errors
are put back next to the field they name (website.views.common.field_errors).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.money import dollars_to_cents, format_cents
from ops.slots import parse_slot, slot_label

MAX_PARTY = 100
MAX_ITEM_QUANTITY = 500
ITEM_PREFIX = "item_"
WHEN_SEPARATOR = "T"


class PartyForm(forms.Form):
    """Guests, and the upgrades and add-ons of the catalogue (one quantity box each)."""

    party_adults = forms.IntegerField(label=_("Adults (13+)"), min_value=1, max_value=MAX_PARTY, initial=10)
    party_kids = forms.IntegerField(
        label=_("Kids (6–12)"),  # noqa: RUF001 - the en dash of a range, as the customer reads it
        min_value=0,
        max_value=MAX_PARTY,
        initial=0,
        required=False,
    )
    party_toddlers = forms.IntegerField(
        label=_("Toddlers (5 and under)"), min_value=0, max_value=MAX_PARTY, initial=0, required=False
    )

    def __init__(self, *args: Any, catalogue_items: list[dict], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.catalogue_items = catalogue_items
        for item in catalogue_items:
            self.fields[ITEM_PREFIX + item["code"]] = forms.IntegerField(
                label=item["name"], min_value=0, max_value=MAX_ITEM_QUANTITY, initial=0, required=False
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[ITEM_PREFIX + item["code"]] for item in self.catalogue_items]

    def party(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "party_adults": data["party_adults"],
            "party_kids": data.get("party_kids") or 0,
            "party_toddlers": data.get("party_toddlers") or 0,
            "items": [
                {"code": item["code"], "quantity": data[ITEM_PREFIX + item["code"]]}
                for item in self.catalogue_items
                if data.get(ITEM_PREFIX + item["code"])
            ],
        }

    def party_query(self) -> dict[str, Any]:
        """The party as query parameters (the quote's "Book this party" link)."""
        party = self.party()
        query = {key: party[key] for key in ("party_adults", "party_kids", "party_toddlers")}
        query.update({ITEM_PREFIX + item["code"]: item["quantity"] for item in party["items"]})
        return query


class ZipCodeField(forms.RegexField):
    def __init__(self, **kwargs: Any):
        kwargs.setdefault("label", _("ZIP code"))
        super().__init__(
            regex=r"^\s*\d{5}\s*$",
            error_messages={"invalid": _("Enter a 5-digit ZIP code.")},
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        return (super().clean(value) or "").strip()


class DateInput(forms.DateInput):
    input_type = "date"


class QuoteForm(PartyForm):
    zip_code = ZipCodeField()
    event_date = forms.DateField(label=_("Date (optional)"), required=False, widget=DateInput)

    field_order = ["party_adults", "party_kids", "party_toddlers", "zip_code", "event_date"]


class CalendarForm(forms.Form):
    """Where the party is, and which month of the calendar to show (a GET form)."""

    zip_code = ZipCodeField()
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False, widget=forms.HiddenInput)

    def first_of_month(self) -> datetime.date | None:
        """The first of the month asked for, or None (then the calendar chooses)."""
        value = self.cleaned_data.get("month") or ""
        try:
            year, month = (int(part) for part in value.split("-"))
            return datetime.date(year, month, 1)
        except ValueError:
            return None


def when_value(date: datetime.date, slot: datetime.time) -> str:
    return f"{date.isoformat()}{WHEN_SEPARATOR}{slot_label(slot)}"


class BookingForm(PartyForm):
    when = forms.CharField(
        label=_("Date and time"), error_messages={"required": _("Choose a date and time in the calendar.")}
    )
    zip_code = forms.CharField(widget=forms.HiddenInput)
    first_name = forms.CharField(
        label=_("First name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=32, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    line1 = forms.CharField(
        label=_("Street address"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    line2 = forms.CharField(
        label=_("Apartment, suite (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label=_("City"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    state = forms.RegexField(
        label=_("State"),
        regex=r"^[A-Za-z]{2}$",
        initial="CA",
        error_messages={"invalid": _("Enter the 2-letter state code.")},
        widget=forms.TextInput(attrs={"autocomplete": "address-level1", "maxlength": 2}),
    )
    special_requests = forms.CharField(
        label=_("Special requests (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    sms_consent = forms.BooleanField(required=False)
    email_consent = forms.BooleanField(required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # One key per rendered form: a double submit replays the first booking, never a second.
        self.fields["idempotency_key"].initial = uuid.uuid4().hex

    def clean_when(self) -> tuple[datetime.date, datetime.time]:
        value = self.cleaned_data["when"]
        day, _sep, time = value.partition(WHEN_SEPARATOR)
        try:
            date = datetime.date.fromisoformat(day)
        except ValueError:
            raise forms.ValidationError(_("Choose a date and time in the calendar.")) from None
        # Any time of day parses; the booking service refuses one the station does not offer.
        slot = parse_slot(time)
        if slot is None:
            raise forms.ValidationError(_("Choose a date and time in the calendar."))
        return date, slot

    def when_text(self) -> str:
        """The chosen slot as the calendar's radio value ("" when none or invalid)."""
        return str(self.data.get(self.add_prefix("when"), "")) if self.is_bound else ""


# A service error's field -> the booking form's field.
BOOKING_FIELD_MAP = {
    "customer.first_name": "first_name",
    "customer.last_name": "last_name",
    "customer.email": "email",
    "customer.phone": "phone",
    "address.line1": "line1",
    "address.line2": "line2",
    "address.city": "city",
    "address.state": "state",
    "address.zip_code": "when",
    "zip_code": "when",
    "date": "when",
    "slot": "when",
    "party_adults": "party_adults",
    "party_kids": "party_kids",
    "party_toddlers": "party_toddlers",
    "items": "__all__",
    "special_requests": "special_requests",
}


class RescheduleForm(forms.Form):
    when = BookingForm.base_fields["when"]

    clean_when = BookingForm.clean_when
    when_text = BookingForm.when_text


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, cancel my booking"),
        error_messages={"required": _("Tick the box to confirm that you want to cancel.")},
    )


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, n) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    content = forms.CharField(
        label=_("Your review"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ProteinsForm(forms.Form):
    """One count per base protein of the menu."""

    PREFIX = "protein_"

    def __init__(self, *args: Any, proteins: list[dict], current: dict[str, int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.proteins = proteins
        for protein in proteins:
            self.fields[self.PREFIX + protein["code"]] = forms.IntegerField(
                label=protein["name"],
                min_value=0,
                max_value=2 * MAX_PARTY,
                required=False,
                initial=current.get(protein["code"], 0),
            )

    def counts(self) -> dict[str, int]:
        return {
            protein["code"]: self.cleaned_data.get(self.PREFIX + protein["code"]) or 0
            for protein in self.proteins
        }


class ContactDetailsForm(forms.Form):
    """The customer's stored name, phone and consents (the manage page; customer_update_contact)."""

    first_name = forms.CharField(
        label=_("First name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    sms_consent = forms.BooleanField(required=False)
    email_consent = forms.BooleanField(required=False)


NO_TIP, OTHER_TIP = "none", "other"


class TipForm(forms.Form):
    """The optional tip for the chef, paid with the balance: a suggested percentage or an amount."""

    tip = forms.ChoiceField(label=_("Tip for your chef"), widget=forms.RadioSelect, initial=NO_TIP)
    tip_amount = forms.DecimalField(
        label=_("Another amount ($)"), required=False, min_value=0, max_digits=8, decimal_places=2
    )

    def __init__(self, *args: Any, suggestions: list[tuple[int, int]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.suggestions = dict(suggestions)
        self.fields["tip"].choices = [
            (NO_TIP, _("No tip")),
            *((str(percent), f"{percent}% ({format_cents(cents)})") for percent, cents in suggestions),
            (OTHER_TIP, _("Another amount")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("tip") == OTHER_TIP and data.get("tip_amount") is None:
            self.add_error("tip_amount", _("Enter the amount of the tip."))
        return data

    def tip_cents(self) -> int:
        """The chosen tip in cents (0 for none); the form must be valid."""
        choice = self.cleaned_data["tip"]
        if choice == OTHER_TIP:
            return dollars_to_cents(self.cleaned_data["tip_amount"])
        if choice == NO_TIP:
            return 0
        return self.suggestions[int(choice)]


class LostLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ContactForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    event_date = forms.DateField(label=_("Date (optional)"), required=False, widget=DateInput)
    party_adults = forms.IntegerField(
        label=_("Adults (13+)"), min_value=1, max_value=MAX_PARTY, required=False
    )
    zip_code = ZipCodeField(required=False)
    message = forms.CharField(
        label=_("Your message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(_("Give us an email or a phone number so we can answer you."))
        return data
