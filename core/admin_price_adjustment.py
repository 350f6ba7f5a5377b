"""The bookings list's "Adjust the price" action: a discount or surcharge line, finance roles only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from core.models import Booking
from core.services.bookings import booking_adjust_price
from kernel.money import dollars_to_cents, format_cents
from myhibachi.admin_actions import (
    action_form_response,
    exactly_one,
    run_for_each,
    staff_actor,
    staff_may,
    submitted_form,
)


class PriceAdjustmentForm(forms.Form):
    amount = forms.DecimalField(
        label="Adjustment ($)",
        max_digits=9,
        decimal_places=2,
        help_text="Negative: a discount; positive: a surcharge; 0 removes the line. "
        "It replaces any earlier adjustment; the total never goes below the deposit.",
    )
    reason = forms.CharField(max_length=255, required=False)

    def cleaned_cents(self) -> int:
        return dollars_to_cents(self.cleaned_data["amount"])


class PriceAdjustmentAction:
    """Mixed into BookingAdmin (its `actions` name "adjust_price")."""

    def has_booking_adjust_price_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "booking.adjust_price")

    @admin.action(
        description="Adjust the price (discount or surcharge)", permissions=["booking_adjust_price"]
    )
    def adjust_price(self, request: HttpRequest, queryset) -> Any:
        booking: Booking | None = exactly_one(self, request, queryset, "booking")
        if booking is None:
            return None
        form = submitted_form(request, PriceAdjustmentForm)
        if form.is_bound and form.is_valid():
            amount, reason = form.cleaned_cents(), form.cleaned_data["reason"]
            actor = staff_actor(request)
            run_for_each(
                self,
                request,
                [booking],
                permission="booking.adjust_price",
                station_of=lambda booking: booking.station_id,
                label_of=lambda booking: booking.reference,
                operation=lambda booking: booking_adjust_price(
                    booking=booking, amount_cents=amount, reason=reason, actor=actor
                ),
                done=f"Price adjustment of {format_cents(amount)} set on " + "{objects}.",
            )
            return None
        return action_form_response(
            self,
            request,
            objects=[booking],
            form=form,
            title="Adjust the price",
            action="adjust_price",
            submit_label="Set the adjustment",
            description=f"Total now {format_cents(booking.total_due_cents)}, deposit "
            f"{format_cents(booking.deposit_due_cents)}.",
        )
