"""The manage page's "update your details" form.

The customer's stored name, phone and consents change through customer_update_contact, the
verified path: only the holder of the signed link gets here (an unverified public form never
overwrites a stored customer).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from core.services.customers import customer_update_contact
from kernel.errors import ServiceError
from website.forms import ContactDetailsForm
from website.throttle import throttled_response
from website.views.common import booking_for_token, customer_actor, field_errors, render_for_booking
from website.views.manage import _back, manage_context

CONTACT_FIELD_MAP = {
    "customer.first_name": "first_name",
    "customer.last_name": "last_name",
    "customer.phone": "phone",
    "first_name": "first_name",
    "last_name": "last_name",
    "phone": "phone",
}


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
                actor=customer_actor(request, label=f"customer of {booking.reference}"),
                reason="Changed by the customer through their manage link",
            )
        except ServiceError as exc:
            for name, message in field_errors(exc, CONTACT_FIELD_MAP).items():
                form.add_error(None if name == "__all__" else name, message)
        else:
            return _back(token, "details")
    context = manage_context(booking, token, details_form=form)
    return render_for_booking(request, "site/manage.html", context, booking=booking, status=status)
