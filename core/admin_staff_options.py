"""The bookings list's staff options: "Adjust the price" (a discount or surcharge line, finance
roles only) and "Email the manage link" (a phone booking made without it, a lost email)."""

from __future__ import annotations

from django import forms

from core.admin_actions import BOOKING
from core.models import Booking
from core.services.bookings import booking_adjust_price
from core.services.bookings.manage_link import booking_manage_link_send
from identity.staff_panel.actions import StaffAction, staff_actions
from kernel.money import dollars_to_cents, format_cents


class PriceAdjustmentForm(forms.Form):
    amount = forms.DecimalField(
        label="Adjustment ($)",
        max_digits=9,
        decimal_places=2,
        help_text="Negative: a discount; positive: a surcharge; 0 removes the line. "
        "It replaces any earlier adjustment; the total never goes below the deposit.",
    )
    reason = forms.CharField(max_length=255, required=False)

    def clean_amount(self) -> int:
        return dollars_to_cents(self.cleaned_data["amount"])


def _explain(bookings: list[Booking]) -> str:
    (booking,) = bookings
    total, deposit = format_cents(booking.total_due_cents), format_cents(booking.deposit_due_cents)
    return f"Total now {total}, deposit {deposit}."


@staff_actions(
    StaffAction(
        name="adjust_price",
        description="Adjust the price (discount or surcharge)",
        permission="booking.adjust_price",
        form=PriceAdjustmentForm,
        one_at_a_time=True,
        title="Adjust the price",
        submit_label="Set the adjustment",
        explain=_explain,
        service=lambda booking, data, actor: booking_adjust_price(
            booking=booking, amount_cents=data["amount"], reason=data["reason"], actor=actor
        ),
        done=lambda data: f"Price adjustment of {format_cents(data['amount'])} set on " + "{objects}.",
    ),
    StaffAction(
        name="send_manage_link",
        description="Email the customer the manage link",
        permission="booking.update",
        service=lambda booking, data, actor: booking_manage_link_send(booking=booking, actor=actor),
        done="Emailed the manage link of {objects}.",
    ),
    target=BOOKING,
)
class StaffOptionActions:
    """Mixed into BookingAdmin: its action is listed in BookingAdmin.actions."""
