"""The staff panel's "Add booking" page: a phone (or event, referral, ...) booking, made by staff.

Not the model form: staff fill in what a customer tells them, see the quote and the chefs free
around the date, then the booking is made by `booking_create` — the service the API uses —
with the staff options (hold the deposit with a reason, send the manage link now or not, and
for finance roles a discount or surcharge line). A booking at a station the user does not hold
is refused and rolled back.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from core.availability import station_availability
from core.models import Booking, Customer
from core.services.bookings import BookingRequest, StaffBookingOptions, booking_create
from identity import scoping
from identity.scoping import CUSTOMER_STATION_PATHS
from identity.staff_panel.actions import staff_may
from identity.staff_panel.audit_trail import admin_actor
from kernel.errors import ConflictError, ServiceError
from kernel.money import dollars_to_cents
from ops.models import Chef
from ops.slots import parse_slot, slot_label
from pricing.distance import serving_station_for_zip
from pricing.models import AddonItem
from pricing.quote import quote_compute

# Sources staff book from (the website books itself).
STAFF_SOURCES = [choice for choice in Booking.Source.choices if choice[0] != Booking.Source.WEBSITE]
# The availability picker shows the chosen date and the days around it.
PICKER_DAYS_BEFORE, PICKER_DAYS_AFTER = 3, 3
# The service's error fields, as this form names them.
FORM_FIELDS = {
    "customer.email": "email",
    "customer.first_name": "first_name",
    "customer.last_name": "last_name",
    "customer.phone": "phone",
    "customer": "email",
    "address.line1": "line1",
    "address.line2": "line2",
    "address.city": "city",
    "address.state": "state",
    "address.zip_code": "zip_code",
    "zip_code": "zip_code",
    "price_adjustment_cents": "adjustment",
    "price_adjustment_reason": "adjustment_reason",
}


class SlotField(forms.CharField):
    """A time as HH:MM: the station's slots are the picker's columns; the service refuses others."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Time")
        kwargs.setdefault("help_text", "Pick it in the chefs-free table below, or type the time (HH:MM).")
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "18:00", "size": 6}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.time | None:
        text = super().to_python(value)
        if not text:
            return None
        slot = parse_slot(text)
        if slot is None:
            raise forms.ValidationError("Enter a time as HH:MM, e.g. 18:00.")
        return slot

    def prepare_value(self, value: Any) -> Any:
        return slot_label(value) if isinstance(value, datetime.time) else value


class PhoneBookingForm(forms.Form):
    email = forms.EmailField(help_text="A returning customer is found by email; a new one is created.")
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    phone = forms.CharField(max_length=30, required=False, help_text="The day-of contact's phone.")
    line1 = forms.CharField(label="Address", max_length=200)
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    city = forms.CharField(max_length=100)
    state = forms.CharField(max_length=2, initial="CA")
    zip_code = forms.CharField(label="ZIP code", max_length=5)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    slot = SlotField()
    party_adults = forms.IntegerField(label="Adults (13+)", min_value=1, initial=10)
    party_kids = forms.IntegerField(label="Kids (6-12)", min_value=0, initial=0)
    party_toddlers = forms.IntegerField(label="Toddlers (5 and under)", min_value=0, initial=0)
    source = forms.ChoiceField(choices=STAFF_SOURCES, initial=Booking.Source.PHONE)
    special_requests = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    hold_deposit = forms.BooleanField(
        required=False,
        label="Hold the deposit",
        help_text="The unpaid booking is not cancelled automatically.",
    )
    hold_reason = forms.CharField(max_length=255, required=False, label="Why the deposit is held")
    notify_customer = forms.BooleanField(
        required=False, initial=True, label="Email the customer the manage link now"
    )
    adjustment = forms.DecimalField(
        required=False,
        max_digits=9,
        decimal_places=2,
        label="Price adjustment ($)",
        help_text="Negative: a discount; positive: a surcharge. The total never goes below the deposit.",
    )
    adjustment_reason = forms.CharField(max_length=255, required=False)

    def __init__(self, *args: Any, may_adjust: bool, addons: list[AddonItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_adjust:  # finance roles only
            del self.fields["adjustment"], self.fields["adjustment_reason"]
        self.addons = addons
        for addon in addons:
            self.fields[f"item_{addon.code}"] = forms.IntegerField(
                label=f"{addon.name} (servings)", min_value=0, initial=0, required=False
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("hold_deposit") and not (cleaned.get("hold_reason") or "").strip():
            self.add_error("hold_reason", "Give the reason the deposit is held.")
        return cleaned

    def items(self) -> list[dict[str, Any]]:
        return [
            {"code": addon.code, "quantity": self.cleaned_data[f"item_{addon.code}"]}
            for addon in self.addons
            if self.cleaned_data.get(f"item_{addon.code}")
        ]

    def address(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("line1", "line2", "city", "state", "zip_code")}

    def booking_request(self) -> BookingRequest:
        data = self.cleaned_data
        return BookingRequest(
            customer={name: data[name] for name in ("email", "first_name", "last_name", "phone")},
            date=data["date"],
            slot=data["slot"],
            address=self.address(),
            party_adults=data["party_adults"],
            party_kids=data["party_kids"],
            party_toddlers=data["party_toddlers"],
            items=self.items(),
            special_requests=data["special_requests"],
            source=data["source"],
        )

    def staff_options(self) -> StaffBookingOptions:
        data = self.cleaned_data
        adjustment: Decimal | None = data.get("adjustment")
        return StaffBookingOptions(
            payment_hold_reason=data["hold_reason"] if data["hold_deposit"] else "",
            notify_customer=data["notify_customer"],
            price_adjustment_cents=dollars_to_cents(adjustment) if adjustment else 0,
            price_adjustment_reason=data.get("adjustment_reason", ""),
        )


class _OutsideStations(Exception):
    pass


class BookingAddPage:
    """Mixed into BookingAdmin: its add page is the phone-booking form above."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "booking.create")

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        addons = list(AddonItem.objects.filter(is_active=True).order_by("kind", "sort_order", "name"))
        may_adjust = staff_may(request, "booking.adjust_price")
        data = None
        if request.method == "POST":
            data = request.POST.copy()
            if picked := request.POST.get("_pick"):  # a slot chosen in the availability picker
                day, _, slot = picked.partition(" ")
                data["date"], data["slot"] = day, slot
        form = PhoneBookingForm(data, may_adjust=may_adjust, addons=addons)
        preview = None
        if data is not None and form.is_valid():
            # The quote and the picker first: shown again beside any error of the save.
            preview = self._preview(request, form)
            if preview is not None and "_save" in request.POST:
                booking = self._create(request, form)
                if booking is not None:
                    messages.success(
                        request, f"Booking {booking.reference} made for {booking.customer.full_name}."
                    )
                    return HttpResponseRedirect(reverse("admin:core_booking_change", args=[booking.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Add a booking",
            "opts": self.model._meta,
            "form": form,
            "preview": preview,
            "may_adjust": may_adjust,
        }
        return TemplateResponse(request, "admin/core/booking/phone_add.html", context)

    def _create(self, request: HttpRequest, form: PhoneBookingForm) -> Booking | None:
        try:
            with transaction.atomic():
                booking = booking_create(
                    request=form.booking_request(), actor=admin_actor(request), staff=form.staff_options()
                )
                if not staff_may(request, "booking.create", station_id=booking.station_id):
                    raise _OutsideStations(booking.station.name)
        except _OutsideStations as exc:
            form.add_error("zip_code", f"This address is served by {exc}, which is not one of your stations.")
        except (ServiceError, ConflictError) as exc:
            field = FORM_FIELDS.get(exc.field or "", exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            return booking
        return None

    def _preview(self, request: HttpRequest, form: PhoneBookingForm) -> dict[str, Any] | None:
        """The live quote, the returning customer, and the chefs free around the date."""
        data = form.cleaned_data
        preview: dict[str, Any] = {}
        try:
            quote = quote_compute(
                zip_code=data["zip_code"],
                party_adults=data["party_adults"],
                party_kids=data["party_kids"],
                party_toddlers=data["party_toddlers"],
                items=form.items(),
                on_date=data["date"],
            )
        except ServiceError as exc:
            field = FORM_FIELDS.get(exc.field or "", exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
            return None
        adjustment = form.staff_options().price_adjustment_cents if "adjustment" in form.fields else 0
        preview["quote"] = quote
        preview["adjustment_cents"] = adjustment
        preview["total_cents"] = quote.total_cents + adjustment
        station = serving_station_for_zip(data["zip_code"], on_date=data["date"]).station
        preview["station"] = station
        preview["outside_stations"] = not staff_may(request, "booking.create", station_id=station.pk)
        customers = scoping.scope_queryset(request.user, Customer.objects.all(), CUSTOMER_STATION_PATHS)
        preview["customer"] = customers.filter(email__iexact=data["email"]).first()
        start = data["date"] - datetime.timedelta(days=PICKER_DAYS_BEFORE)
        days = station_availability(
            station=station, start=start, end=data["date"] + datetime.timedelta(days=PICKER_DAYS_AFTER)
        )
        names = dict(Chef.objects.filter(station=station).values_list("pk", "name"))
        preview["days"] = [
            {
                "date": day.date,
                "slots": [
                    {
                        "value": f"{day.date.isoformat()} {slot.label}",
                        "label": slot.label,
                        "bookable": slot.available,
                        "chefs": [names.get(chef_id, "?") for chef_id in slot.free_chef_ids]
                        if slot.bookable
                        else [],
                        "chosen": day.date == data["date"] and slot.slot == data["slot"],
                    }
                    for slot in day.slots
                ],
            }
            for day in days
        ]
        return preview
