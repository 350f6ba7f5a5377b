"""The staff panel's "Change party and menu" and "Change event address" actions.

The booking's change page shows the party, items and address read-only: a price is never
edited by hand. These actions call the same services as the customer's manage link
(core.services.bookings.changes), which revalidate, reprice and audit. The party form shows
the new total, computed by the quote engine, before staff confirm it: live as they type
(party_change.js asks the booking's party-quote address, a staff-only read), and in the
preview step the form always goes through, with or without JavaScript.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse

from core.admin_actions import BOOKING
from core.models import Booking
from core.selectors import booking_paid_cents
from core.services.bookings import booking_change_address, booking_change_party
from identity.staff_panel.actions import (
    StaffAction,
    action_form_response,
    exactly_one,
    run_for_each,
    staff_action,
    staff_actions,
    staff_may,
    submitted_form,
)
from identity.staff_panel.audit_trail import admin_actor
from kernel.errors import ServiceError
from kernel.money import format_cents
from pricing.models import AddonItem
from pricing.quote import MAX_ITEM_QUANTITY, MAX_PARTY, quote_compute

ITEM_PREFIX = "item_"


class PartyChangeForm(forms.Form):
    party_adults = forms.IntegerField(label="Adults (13+)", min_value=1, max_value=MAX_PARTY)
    party_kids = forms.IntegerField(label="Kids (6-12)", min_value=0, max_value=MAX_PARTY)
    party_toddlers = forms.IntegerField(label="Toddlers (5 and under)", min_value=0, max_value=MAX_PARTY)
    # The total the page showed: the change applies only once staff saw the total it makes.
    previewed_total_cents = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Media:
        js = ("core/admin/party_change.js",)

    def __init__(self, *args, booking: Booking, **kwargs) -> None:
        held = {item["code"]: item["quantity"] for item in booking.items or []}
        kwargs.setdefault(
            "initial",
            {
                "party_adults": booking.party_adults,
                "party_kids": booking.party_kids,
                "party_toddlers": booking.party_toddlers,
                **{ITEM_PREFIX + code: quantity for code, quantity in held.items()},
            },
        )
        super().__init__(*args, **kwargs)
        # Where the live total comes from (party_change.js).
        self.fields["party_adults"].widget.attrs["data-quote-url"] = reverse(
            "admin:core_booking_party_quote", args=[booking.pk]
        )
        for item in AddonItem.objects.filter(is_active=True).order_by("kind", "sort_order", "name"):
            kind = "upgrade" if item.kind == AddonItem.Kind.UPGRADE else "add-on"
            self.fields[ITEM_PREFIX + item.code] = forms.IntegerField(
                label=f"{item.name} ({kind}, {format_cents(item.price_cents)} each)",
                min_value=0,
                max_value=MAX_ITEM_QUANTITY,
                required=False,
            )

    def items(self) -> list[dict]:
        return [
            {"code": name.removeprefix(ITEM_PREFIX), "quantity": quantity}
            for name, quantity in self.cleaned_data.items()
            if name.startswith(ITEM_PREFIX) and quantity
        ]


class AddressChangeForm(forms.Form):
    line1 = forms.CharField(max_length=200, label="Street address")
    line2 = forms.CharField(max_length=200, required=False, label="Apt, suite")
    city = forms.CharField(max_length=100)
    state = forms.CharField(max_length=2, initial="CA")
    zip_code = forms.CharField(max_length=5, label="ZIP code")


@staff_actions(
    StaffAction(
        name="change_address",
        description="Change event address",
        permission="booking.update",
        form=AddressChangeForm,
        form_kwargs=lambda request, bookings: {"initial": {"zip_code": bookings[0].zone}},
        one_at_a_time=True,
        title="Change event address",
        submit_label="Change address",
        explain="A new ZIP code is re-quoted (travel fee); outside the service area is refused.",
        service=lambda booking, data, actor: booking_change_address(
            booking=booking, address=data, actor=actor, by_customer=False
        ),
        done=lambda data: "Moved {objects} to " + f"ZIP {data['zip_code']}, re-quoted.",
    ),
    target=BOOKING,
)
class BookingChangeActions:
    """Mixed into BookingAdmin: change_address (declared), and change_party, which shows the new
    total before it applies it (a preview step the declared actions do not have)."""

    def get_urls(self):
        quote_url = path(
            "<path:object_id>/party-quote/",
            self.admin_site.admin_view(self.party_quote_view),
            name="core_booking_party_quote",
        )
        return [quote_url, *super().get_urls()]

    def party_quote_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        """The new total of a party change, for the form's live total: a read, nothing is saved."""
        booking = self.get_object(request, object_id)  # outside the user's stations: 404
        if booking is None or not staff_may(request, "booking.update", station_id=booking.station_id):
            raise PermissionDenied
        form = PartyChangeForm(request.GET, booking=booking)
        if not form.is_valid():
            return JsonResponse(
                {"error": "Enter whole numbers in range for the party and items."}, status=400
            )
        data = form.cleaned_data
        try:
            quote = quote_compute(
                zip_code=booking.zone,
                party_adults=data["party_adults"],
                party_kids=data["party_kids"],
                party_toddlers=data["party_toddlers"],
                items=form.items(),
                on_date=booking.date,
            )
        except ServiceError as error:
            return JsonResponse({"error": error.message}, status=400)
        paid = booking_paid_cents(booking=booking)
        return JsonResponse(
            {
                "total_due_cents": quote.total_cents,
                "total": format_cents(quote.total_cents),
                "minimum_applied": quote.minimum_applied,
                "balance_due": format_cents(max(0, quote.total_cents - paid)),
            }
        )

    @staff_action(description="Change party and menu", permission="booking.update")
    def change_party(self, request: HttpRequest, queryset):
        booking = exactly_one(self, request, queryset, "booking")
        if booking is None:
            return None
        form = submitted_form(request, PartyChangeForm, booking=booking)
        paid = booking_paid_cents(booking=booking)
        description = (
            f"Now: {booking.party_adults} adults, {booking.party_kids} kids, {booking.party_toddlers} "
            f"toddlers, total {format_cents(booking.total_due_cents)}; paid {format_cents(paid)}. "
            "The new price is computed from the menu; what was paid stays paid."
        )
        submit_label = "Preview new total"
        if form.is_bound and form.is_valid():
            data, items = form.cleaned_data, form.items()
            try:
                quote = quote_compute(
                    zip_code=booking.zone,
                    party_adults=data["party_adults"],
                    party_kids=data["party_kids"],
                    party_toddlers=data["party_toddlers"],
                    items=items,
                    on_date=booking.date,
                )
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                if data.get("previewed_total_cents") == quote.total_cents:
                    actor = admin_actor(request)
                    run_for_each(
                        self,
                        request,
                        [booking],
                        permission="booking.update",
                        station_of=BOOKING.station_of,
                        label_of=BOOKING.label_of,
                        operation=lambda booking: booking_change_party(
                            booking=booking,
                            party_adults=data["party_adults"],
                            party_kids=data["party_kids"],
                            party_toddlers=data["party_toddlers"],
                            items=items,
                            actor=actor,
                            by_customer=False,
                        ),
                        done="Changed the party of {objects}: new total "
                        + f"{format_cents(quote.total_cents)}.",
                    )
                    return None
                # Shown, not applied: submitting again (unchanged) confirms this total.
                form.data = form.data.copy()
                form.data["previewed_total_cents"] = str(quote.total_cents)
                minimum = ", party minimum applied" if quote.minimum_applied else ""
                description = (
                    f"New total {format_cents(quote.total_cents)} "
                    f"(now {format_cents(booking.total_due_cents)}){minimum}; paid {format_cents(paid)}, "
                    f"balance due after the change {format_cents(max(0, quote.total_cents - paid))}. "
                    "Press “Confirm change” to apply it, or edit and preview again."
                )
                submit_label = "Confirm change"
        return action_form_response(
            self,
            request,
            objects=[booking],
            form=form,
            title="Change party and menu",
            action="change_party",
            submit_label=submit_label,
            description=description,
        )
