"""The manage page's "change guests and menu" and "update your details" forms.

Guests and menu go through booking_change_party (repriced from the catalogue, what was paid
kept, the change cutoff for customers); the customer's stored name, phone and consents through
customer_update_contact, the verified path: only the holder of the signed link gets here (an
unverified public form never overwrites a stored customer).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from audit.actor import Actor
from core.services.bookings import booking_change_party
from core.services.customers import customer_update_contact
from kernel.errors import ConflictError, ServiceError
from pricing.selectors import PricingUnavailable, menu_read
from website.forms import ContactDetailsForm, PartyForm
from website.throttle import throttled_response
from website.views.common import booking_for_token, field_errors, render_for_booking
from website.views.manage import _back, manage_context

PARTY_FIELD_MAP = {
    "party_adults": "party_adults",
    "party_kids": "party_kids",
    "party_toddlers": "party_toddlers",
    "items": "__all__",
}
CONTACT_FIELD_MAP = {
    "customer.first_name": "first_name",
    "customer.last_name": "last_name",
    "customer.phone": "phone",
    "first_name": "first_name",
    "last_name": "last_name",
    "phone": "phone",
}


@require_POST
def change_party(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(request, token)
    if limited := throttled_response(request, "manage"):
        return limited
    try:
        menu = menu_read()
    except PricingUnavailable:
        return render_for_booking(request, "site/503.html", {}, booking=booking, status=503)
    form = PartyForm(request.POST, catalogue_items=menu["upgrades"] + menu["addons"], prefix="party")
    status = 400
    if form.is_valid():
        try:
            booking_change_party(
                booking=booking,
                actor=Actor.customer_of_request(request, label=f"customer of {booking.reference}"),
                by_customer=True,
                **form.party(),
            )
        except ConflictError as exc:
            form.add_error(None, exc.message)
            status = 409
        except ServiceError as exc:
            for name, message in field_errors(exc, PARTY_FIELD_MAP).items():
                form.add_error(None if name == "__all__" else name, message)
        else:
            return _back(token, "party")
    context = manage_context(booking, token, party_form=form)
    return render_for_booking(request, "site/manage.html", context, booking=booking, status=status)


@require_POST
def update_details(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(request, token)
    if limited := throttled_response(request, "manage"):
        return limited
    form = ContactDetailsForm(request.POST, prefix="details")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            customer_update_contact(
                customer=booking.customer,
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                # The boxes show what is stored: unticking one withdraws that consent.
                sms_consent=data["sms_consent"] is True,
                email_consent=data["email_consent"] is True,
                actor=Actor.customer_of_request(request, label=f"customer of {booking.reference}"),
                reason="Changed by the customer through their manage link",
            )
        except ServiceError as exc:
            for name, message in field_errors(exc, CONTACT_FIELD_MAP).items():
                form.add_error(None if name == "__all__" else name, message)
        else:
            return _back(token, "details")
    context = manage_context(booking, token, details_form=form)
    return render_for_booking(request, "site/manage.html", context, booking=booking, status=status)
