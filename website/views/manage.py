"""The manage page: everything about one booking, through its signed link, and what may be done now.

Each form posts to its own URL and comes back to the page (?done=…): no customer session, the
link is the key. The services decide what is allowed; the page shows the same rules they apply
(core.selectors), with their deadlines.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.actor import Actor
from core.models import Booking
from core.receipts.selectors import receipts_of_booking
from core.selectors import (
    booking_change_deadline,
    booking_manage_view,
    booking_paid_cents,
    booking_protein_servings_expected,
    booking_proteins_open,
)
from core.services.bookings import SLOT_UNAVAILABLE, booking_cancel, booking_reschedule, booking_set_proteins
from core.services.customers import EMAIL_CONSENT_TEXT, SMS_CONSENT_TEXT
from core.services.payments.ledger import booking_balance_due_cents
from core.services.reviews import review_create
from kernel.errors import ConflictError, ServiceError
from kernel.queue import enqueue
from ops.policy import booking_rules
from pricing.selectors import PricingUnavailable, menu_read
from website.calendar_file import booking_ics
from website.forms import (
    ITEM_PREFIX,
    CalendarForm,
    CancelForm,
    ContactDetailsForm,
    LostLinkForm,
    PartyForm,
    ProteinsForm,
    RescheduleForm,
    ReviewForm,
)
from website.throttle import throttled_response
from website.views.booking import calendar_for
from website.views.common import booking_for_token, field_errors, render_for_booking
from website.views.pay import BALANCE, DEPOSIT, _what_is_due

# Lazy: translated when a page shows them, in the language of that request.
DONE_NOTICES = {
    "rescheduled": gettext_lazy("Your booking has moved. We've emailed you the new date."),
    "cancelled": gettext_lazy("Your booking is cancelled."),
    "cancellation_requested": gettext_lazy(
        "We've received your cancellation request; our team will be in touch."
    ),
    "proteins": gettext_lazy("Thank you: your chef will bring these proteins."),
    "reviewed": gettext_lazy("Thank you for your review! It will appear once our team has read it."),
    "details": gettext_lazy("Your details are saved."),
    "party": gettext_lazy("Your guests and menu are updated, and your party repriced."),
}


def _actor(request: HttpRequest, booking: Booking):
    return Actor.customer_of_request(request, label=f"customer of {booking.reference}")


def _menu() -> dict | None:
    try:
        return menu_read()
    except PricingUnavailable:
        return None


def _proteins() -> list[dict]:
    menu = _menu()
    return menu["proteins"] if menu else []


def manage_context(booking: Booking, token: str, **extra: Any) -> dict[str, Any]:
    view = booking_manage_view(booking=booking)
    due = _what_is_due(booking)
    context: dict[str, Any] = {
        "booking": booking,
        "token": token,
        "view": view,
        "actions": view.actions,
        "lines": (booking.quote or {}).get("lines", []),
        "quote": booking.quote or {},
        "paid_cents": booking_paid_cents(booking=booking),
        "balance_cents": booking_balance_due_cents(booking),
        "pay_deposit": due == DEPOSIT,
        "pay_balance": due == BALANCE,
        "change_deadline": booking_change_deadline(booking),
        "rules": booking_rules(booking.station).as_context(),
        "proteins_open": booking_proteins_open(booking=booking),
        "proteins_expected": booking_protein_servings_expected(booking=booking),
        "is_active": booking.status in Booking.ACTIVE_STATUSES,
    }
    menu = _menu()
    proteins = menu["proteins"] if menu else []
    names = {protein["code"]: protein["name"] for protein in proteins}
    context["protein_choices"] = [
        {"name": names.get(code, code), "count": count}
        for code, count in (booking.protein_counts or {}).items()
    ]
    context.setdefault("proteins_form", ProteinsForm(proteins=proteins, current=booking.protein_counts or {}))
    context["receipts"] = list(receipts_of_booking(booking))
    context.setdefault("review_form", ReviewForm())
    catalogue = (menu["upgrades"] + menu["addons"]) if menu else []
    context.setdefault(
        "party_form",
        PartyForm(
            prefix="party",
            catalogue_items=catalogue,
            initial={
                "party_adults": booking.party_adults,
                "party_kids": booking.party_kids,
                "party_toddlers": booking.party_toddlers,
                **{ITEM_PREFIX + item["code"]: item["quantity"] for item in booking.items or []},
            },
        ),
    )
    customer = booking.customer
    context.setdefault(
        "details_form",
        ContactDetailsForm(
            prefix="details",
            initial={
                "first_name": customer.first_name,
                "last_name": customer.last_name,
                "phone": customer.phone,
                "sms_consent": customer.sms_consent,
                "email_consent": customer.email_consent,
            },
        ),
    )
    context["sms_consent_text"] = SMS_CONSENT_TEXT
    context["email_consent_text"] = EMAIL_CONSENT_TEXT
    context.update(extra)
    return context


@require_GET
def manage(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(request, token)
    notice = DONE_NOTICES.get(request.GET.get("done", ""))
    return render_for_booking(
        request, "site/manage.html", manage_context(booking, token, notice=notice), booking=booking
    )


def _back(token: str, done: str) -> HttpResponse:
    return redirect(f"{reverse('website:manage', args=[token])}?done={done}")


@require_POST
def proteins(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(request, token)
    if limited := throttled_response(request, "manage"):
        return limited
    form = ProteinsForm(request.POST, proteins=_proteins(), current=booking.protein_counts or {})
    status = 400
    if form.is_valid():
        try:
            booking_set_proteins(booking=booking, proteins=form.counts(), actor=_actor(request, booking))
        except ConflictError as exc:
            form.add_error(None, exc.message)
            status = 409
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return _back(token, "proteins")
    booking.refresh_from_db()
    context = manage_context(booking, token, proteins_form=form)
    return render_for_booking(request, "site/manage.html", context, status=status, booking=booking)


@require_POST
def review(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(request, token)
    if limited := throttled_response(request, "manage"):
        return limited
    form = ReviewForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            review_create(
                booking=booking,
                rating=form.cleaned_data["rating"],
                content=form.cleaned_data["content"],
                actor=_actor(request, booking),
            )
        except ConflictError as exc:
            form.add_error(None, exc.message)
            status = 409
        except ServiceError as exc:
            for name, message in field_errors(exc, {"rating": "rating", "content": "content"}).items():
                form.add_error(None if name == "__all__" else name, message)
        else:
            return _back(token, "reviewed")
    context = manage_context(booking, token, review_form=form)
    return render_for_booking(request, "site/manage.html", context, status=status, booking=booking)


@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(request, token)
    form = RescheduleForm(request.POST if request.method == "POST" else None)
    taken, status = "", 200
    if request.method == "POST":
        if limited := throttled_response(request, "manage"):
            return limited
        status = 400
        if form.is_valid():
            date, slot = form.cleaned_data["when"]
            try:
                booking_reschedule(
                    booking=booking, date=date, slot=slot, actor=_actor(request, booking), by_customer=True
                )
            except ConflictError as exc:
                form.add_error("when", exc.message)
                status = 409
                if exc.code == SLOT_UNAVAILABLE:
                    taken = form.when_text()
            except ServiceError as exc:
                form.add_error("when", exc.message)
            else:
                return _back(token, "rescheduled")
    month_form = CalendarForm({"zip_code": booking.zone, "month": request.GET.get("month", "")})
    month = (month_form.first_of_month() if month_form.is_valid() else None) or booking.date
    context = manage_context(
        booking,
        token,
        form=form,
        calendar=calendar_for(station=booking.station, month=month, taken=taken),
        chosen="" if taken else form.when_text(),
        query={"month": month.strftime("%Y-%m")},
    )
    template = (
        "site/_calendar.html" if request.headers.get("HX-Target") == "calendar" else "site/reschedule.html"
    )
    return render_for_booking(request, template, context, status=status, booking=booking)


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(request, token)
    form = CancelForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if limited := throttled_response(request, "manage"):
            return limited
        status = 400
        if form.is_valid():
            try:
                booking = booking_cancel(
                    booking=booking,
                    actor=_actor(request, booking),
                    reason=form.cleaned_data["reason"],
                    by_customer=True,
                )
            except ConflictError as exc:
                form.add_error(None, exc.message)
                status = 409
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                return _back(token, booking.status)
    return render_for_booking(
        request, "site/cancel.html", manage_context(booking, token, form=form), status=status, booking=booking
    )


@require_GET
def calendar_file(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(request, token)
    view = booking_manage_view(booking=booking)
    body = booking_ics(
        booking=booking,
        starts_at=view.starts_at,
        manage_url=request.build_absolute_uri(reverse("website:manage", args=[token])),
        summary=_("My Hibachi party (%(reference)s)") % {"reference": booking.reference},
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-hibachi-{booking.reference}.ics"'
    return response


@require_http_methods(["GET", "POST"])
def lost_link(request: HttpRequest) -> HttpResponse:
    form = LostLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if limited := throttled_response(request, "manage"):
            return limited
        if form.is_valid():
            # Enqueued whether or not we know the address: the same answer, in the same time.
            enqueue("core.manage_links_send", form.cleaned_data["email"])
            return redirect("website:lost-link-sent")
    return render(request, "site/lost_link.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def lost_link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "site/lost_link_sent.html")
