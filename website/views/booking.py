"""Booking: the availability calendar (a month at a time) and the booking form, one page.

GET /book/?zip_code=…&month=… shows the calendar for the station serving the ZIP code, with the
party carried over from the quote; POST books through booking_create with the form's own
Idempotency-Key, then goes to the payment step. A slot taken meanwhile (409) comes back to the
calendar with that slot marked gone. A form sent with a valid email or phone that does not book
is a started_booking step on the person's lead (leads' funnel): they gave their details and began.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.actor import Actor
from core.availability import station_today
from core.models import Booking
from core.services.bookings import SLOT_UNAVAILABLE, BookingRequest, booking_create
from core.services.customers import EMAIL_CONSENT_TEXT, SMS_CONSENT_TEXT
from core.tokens import manage_token_for
from identity.models import Station
from kernel.contact import normalize_phone
from kernel.errors import ConflictError, ServiceError
from leads.models import LeadEvent
from leads.services import lead_funnel_event_record
from ops.policy import booking_rules
from pricing.distance import serving_station_for_zip
from pricing.selectors import PricingUnavailable, menu_read
from website.calendar import MonthCalendar, month_calendar
from website.forms import BOOKING_FIELD_MAP, ITEM_PREFIX, BookingForm, CalendarForm
from website.throttle import throttled_response
from website.views.common import field_errors

logger = logging.getLogger(__name__)

CALENDAR_TARGET = "calendar"


def _station_for(zip_code: str) -> Station:
    return serving_station_for_zip(zip_code).station


def calendar_for(*, station: Station, month: datetime.date | None, taken: str = "") -> MonthCalendar:
    """The month asked for, else the month of the first date that can be booked."""
    first_bookable = station_today(station) + datetime.timedelta(
        days=booking_rules(station).booking_min_lead.days
    )
    return month_calendar(station=station, month=month or first_bookable, taken=taken)


def page_query(query: QueryDict, **changes: Any) -> str:
    """The page's query string with some parameters changed (the calendar's month links)."""
    params = {key: value for key, value in query.items() if key != "when"}
    params.update({key: value for key, value in changes.items() if value is not None})
    return urlencode(params)


def _initial_from_query(query: QueryDict, items: list[dict]) -> dict[str, Any]:
    """The party the quote carried over, as the form's initial values (ignored when not numbers)."""
    names = ["party_adults", "party_kids", "party_toddlers", *(ITEM_PREFIX + item["code"] for item in items)]
    initial: dict[str, Any] = {}
    for name in names:
        value = query.get(name, "")
        if value.isdigit():
            initial[name] = int(value)
    return initial


def _render(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    context.setdefault("sms_consent_text", SMS_CONSENT_TEXT)
    context.setdefault("email_consent_text", EMAIL_CONSENT_TEXT)
    if request.headers.get("HX-Target") == CALENDAR_TARGET:
        return render(request, "site/_calendar.html", context, status=status)
    return render(request, "site/book.html", context, status=status)


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    try:
        menu = menu_read()
    except PricingUnavailable:
        return render(request, "site/503.html", status=503)
    items = menu["upgrades"] + menu["addons"]
    if request.method == "POST":
        return _book_post(request, items=items, menu=menu)

    where = CalendarForm(request.GET or None)
    context: dict[str, Any] = {"where": where, "menu": menu, "query": request.GET}
    if where.is_bound and where.is_valid():
        zip_code = where.cleaned_data["zip_code"]
        try:
            station = _station_for(zip_code)
        except ServiceError as exc:
            where.add_error("zip_code", exc.message)
        else:
            context["calendar"] = calendar_for(station=station, month=where.first_of_month())
            context["station"] = station
            context["form"] = BookingForm(
                initial={**_initial_from_query(request.GET, items), "zip_code": zip_code},
                catalogue_items=items,
            )
    return _render(request, context, status=400 if where.errors else 200)


def _book_post(request: HttpRequest, *, items: list[dict], menu: dict) -> HttpResponse:
    if limited := throttled_response(request, "bookings"):
        return limited
    form = BookingForm(request.POST, catalogue_items=items)
    zip_code = request.POST.get("zip_code", "")
    where = CalendarForm({"zip_code": zip_code})
    context: dict[str, Any] = {"where": where, "menu": menu, "form": form, "query": QueryDict(mutable=True)}
    context["query"].update({"zip_code": zip_code})
    try:
        station = _station_for(zip_code) if where.is_valid() else None
    except ServiceError as exc:
        where.add_error("zip_code", exc.message)
        station = None
    if station is None:
        _record_started_booking(request, form, reason="zip_code")
        return _render(request, context, status=400)
    context["station"] = station

    taken = ""
    if form.is_valid():
        try:
            booking = _create(request, form)
        except ConflictError as exc:
            if exc.code == SLOT_UNAVAILABLE:
                taken = form.when_text()
                form.add_error("when", exc.message)
            else:
                form.add_error(None, exc.message)
        except ServiceError as exc:
            for name, message in field_errors(exc, BOOKING_FIELD_MAP).items():
                form.add_error(None if name == "__all__" else name, message)
        else:
            return redirect("website:pay", token=manage_token_for(booking))
    chosen = form.cleaned_data.get("when") if hasattr(form, "cleaned_data") else None
    month = chosen[0] if isinstance(chosen, tuple) else None
    context["calendar"] = calendar_for(station=station, month=month, taken=taken)
    context["chosen"] = "" if taken else form.when_text()
    _record_started_booking(request, form, reason="slot_taken" if taken else "invalid")
    return _render(request, context, status=409 if taken else 400)


def _record_started_booking(request: HttpRequest, form: BookingForm, *, reason: str) -> None:
    """The form came back without a booking: with a valid email or phone, a started_booking step
    on the person's lead (created when there is none). Never fails the page."""
    form.is_valid()  # cleans the form once: the fields that passed are in cleaned_data
    data = form.cleaned_data
    email = data.get("email") or ""
    try:
        phone = normalize_phone(data.get("phone") or "") if data.get("phone") else ""
    except ServiceError:
        phone = ""
    if not (email or phone):
        return
    try:
        lead_funnel_event_record(
            event_type=LeadEvent.Type.STARTED_BOOKING,
            email=email,
            phone=phone,
            first_name=data.get("first_name") or "",
            last_name=data.get("last_name") or "",
            payload={
                "via": "website",
                "reason": reason,
                "zip_code": form.data.get("zip_code", "")[:10],
                "when": form.data.get("when", "")[:40],
            },
            actor=Actor.customer_of_request(request, label=email or phone),
        )
    except ServiceError as exc:  # a name or contact the lead rules refuse: the form still answers
        logger.info("Started booking not recorded: %s", exc.message)


def _create(request: HttpRequest, form: BookingForm) -> Booking:
    data = form.cleaned_data
    date, slot = data["when"]
    booking_request = BookingRequest(
        customer={
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": data["email"],
            "phone": data["phone"],
            # Explicit opt-ins: an unticked box is False, never a guess.
            "sms_consent": data["sms_consent"] is True,
            "email_consent": data["email_consent"] is True,
        },
        date=date,
        slot=slot,
        address={
            "line1": data["line1"],
            "line2": data["line2"],
            "city": data["city"],
            "state": data["state"].upper(),
            "zip_code": data["zip_code"],
        },
        special_requests=data["special_requests"],
        source=Booking.Source.WEBSITE,
        **form.party(),
    )
    return booking_create(
        request=booking_request,
        actor=Actor.customer_of_request(request, label=data["email"]),
        # One key per rendered form, namespaced so that it never meets an API client's key.
        idempotency_key=f"site:{data['idempotency_key']}",
    )
