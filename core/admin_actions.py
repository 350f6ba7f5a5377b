"""The staff panel's actions on bookings and reviews: each one calls the service the API calls.

Mixed into BookingAdmin and ReviewAdmin (core/admin.py). Each action is declared once — its
form, its service, its permission — and run by the staff-panel kit
(identity/staff_panel/actions.py), which checks the permission at each object's station,
shows the form, and reports every object's outcome.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from core.admin_export import bookings_csv_response
from core.availability import free_chefs_queryset
from core.models import Booking, Payment, Review
from core.services.bookings import (
    booking_assign_chef,
    booking_cancel,
    booking_cancellation_approve,
    booking_cancellation_reject,
    booking_complete,
    booking_mark_no_show,
    booking_reschedule,
)
from core.services.payments import (
    MANUAL_METHODS,
    PAID_KINDS,
    booking_balance_due_cents,
    payment_record_manual,
    payment_refund,
)
from core.services.reviews import review_moderate
from identity.staff_panel.actions import (
    ActionTarget,
    DollarsField,
    StaffAction,
    staff_action,
    staff_actions,
    staff_may,
)
from kernel.money import format_cents
from ops.models import Chef
from ops.policy import booking_rules
from ops.slots import parse_slot, slot_label

# --- Forms ----------------------------------------------------------------------------------


class RecordPaymentForm(forms.Form):
    kind = forms.ChoiceField(choices=[(kind.value, kind.label) for kind in PAID_KINDS])
    method = forms.ChoiceField(choices=[(method.value, method.label) for method in MANUAL_METHODS])
    amount_cents = DollarsField(label="Amount ($)")
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For the record, e.g. the Zelle confirmation number.",
    )


class ChefChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, chef: Chef) -> str:
        week = getattr(chef, "week_bookings", 0)
        return f"{chef.name} (rating {chef.rating}, {week} booking{'s' if week != 1 else ''} that week)"


class AssignChefForm(forms.Form):
    chef = ChefChoiceField(queryset=Chef.objects.none(), empty_label=None)

    def __init__(self, *args, booking: Booking, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only chefs free in the booking's slot at its station are offered (and accepted).
        self.fields["chef"].queryset = free_chefs_queryset(
            station=booking.station, date=booking.date, slot=booking.slot, exclude_booking_id=booking.pk
        ).exclude(pk=booking.chef_id)


class RescheduleForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    slot = forms.TypedChoiceField(choices=(), coerce=parse_slot)

    def __init__(self, *args, booking: Booking, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The slots the booking's station offers now (its policy), and the booking's own time.
        offered = set(booking_rules(booking.station).slot_times) | {booking.slot}
        self.fields["slot"].choices = [(slot_label(slot), slot_label(slot)) for slot in sorted(offered)]


class RefundFieldMixin(forms.Form):
    """A refund amount, only for users who may refund (docs/business-rules.md: support has no
    finance rights)."""

    def __init__(self, *args, can_refund: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not can_refund:
            del self.fields["refund_cents"]


class CancelForm(RefundFieldMixin):
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    refund_cents = DollarsField(
        label="Refund ($)", required=False, allow_zero=True, help_text="Optional; at most what was paid."
    )


class ApproveCancellationForm(RefundFieldMixin):
    refund_cents = DollarsField(
        label="Refund ($)",
        required=False,
        allow_zero=True,
        help_text="No refund unless you choose one (docs/business-rules.md); give a reason with it.",
    )
    reason = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class RefundForm(forms.Form):
    amount_cents = DollarsField(label="Refund ($)")
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


# --- What the booking actions need from the selection ----------------------------------------


def _record_payment_initial(request: HttpRequest, bookings: list[Booking]) -> dict:
    (booking,) = bookings
    pending = booking.status == Booking.Status.DEPOSIT_PENDING
    due = booking.deposit_due_cents if pending else booking_balance_due_cents(booking)
    return {
        "initial": {
            "kind": Payment.Kind.DEPOSIT if pending else Payment.Kind.BALANCE,
            "amount_cents": Decimal(due) / 100,
        }
    }


def _recorded(data: dict) -> str:
    method, kind = Payment.Method(data["method"]).label, Payment.Kind(data["kind"]).label.lower()
    return f"Recorded a {format_cents(data['amount_cents'])} {method} {kind} payment for " + "{objects}."


def _no_free_chef(bookings: list[Booking], form: AssignChefForm) -> str:
    (booking,) = bookings
    if form.fields["chef"].queryset.exists():
        return ""
    return (
        f"{booking.reference}: no other chef of {booking.station.name} is free on "
        f"{booking.date:%b} {booking.date.day} at {slot_label(booking.slot)}."
    )


def _free_chefs_explained(bookings: list[Booking]) -> str:
    (booking,) = bookings
    return (
        f"Chefs of {booking.station.name} free on {booking.date:%A %b} {booking.date.day} at "
        f"{slot_label(booking.slot)}. Now: {booking.chef.name if booking.chef else 'no chef'}."
    )


def _with_refund_field(request: HttpRequest, bookings: list[Booking]) -> dict:
    return {"can_refund": staff_may(request, "payment.refund")}


def _refund_allowed(modeladmin, request: HttpRequest, bookings: list[Booking], data: dict) -> bool:
    refund = data.get("refund_cents") or 0
    if refund and len(bookings) != 1:
        modeladmin.message_user(request, "A refund is for one booking at a time.", level=messages.WARNING)
        return False
    if refund and not staff_may(request, "payment.refund", station_id=bookings[0].station_id):
        modeladmin.message_user(request, "You may not refund at this station.", level=messages.ERROR)
        return False
    return True


BOOKING = ActionTarget(
    what="booking", label_of=lambda booking: booking.reference, station_of=lambda booking: booking.station_id
)


@staff_actions(
    StaffAction(
        name="record_payment",
        description="Record a cash, Zelle or Venmo payment",
        permission="payment.record",
        form=RecordPaymentForm,
        form_kwargs=_record_payment_initial,
        one_at_a_time=True,
        title="Record a payment",
        submit_label="Record payment",
        explain=lambda bookings: (
            f"Total {format_cents(bookings[0].total_due_cents)}, deposit "
            f"{format_cents(bookings[0].deposit_due_cents)}. Card payments come from Stripe."
        ),
        service=lambda booking, data, actor: payment_record_manual(
            booking=booking,
            kind=data["kind"],
            method=data["method"],
            amount_cents=data["amount_cents"],
            reason=data["reason"],
            actor=actor,
        ),
        done=_recorded,
    ),
    StaffAction(
        name="assign_chef",
        description="Assign or reassign the chef",
        permission="booking.assign_chef",
        form=AssignChefForm,
        form_kwargs=lambda request, bookings: {"booking": bookings[0]},
        one_at_a_time=True,
        unavailable=_no_free_chef,
        title="Assign a chef",
        submit_label="Assign chef",
        explain=_free_chefs_explained,
        service=lambda booking, data, actor: booking_assign_chef(
            booking=booking, chef=data["chef"], actor=actor
        ),
        done=lambda data: f"Assigned {data['chef'].name} to " + "{objects}.",
    ),
    StaffAction(
        name="reschedule",
        description="Reschedule",
        permission="booking.reschedule",
        form=RescheduleForm,
        form_kwargs=lambda request, bookings: {
            "initial": {"date": bookings[0].date, "slot": slot_label(bookings[0].slot)},
            "booking": bookings[0],
        },
        one_at_a_time=True,
        title="Reschedule",
        submit_label="Reschedule",
        explain="The booking keeps its chef when they are free then, else gets a free chef.",
        # Staff may move a booking at any time; the service checks the slot's capacity.
        service=lambda booking, data, actor: booking_reschedule(
            booking=booking, date=data["date"], slot=data["slot"], actor=actor, by_customer=False
        ),
        done=lambda data: (
            "Rescheduled {objects}"
            + f" to {data['date']:%b} {data['date'].day} at {slot_label(data['slot'])}."
        ),
    ),
    StaffAction(
        name="cancel_bookings",
        description="Cancel (with a reason)",
        permission="booking.cancel",
        form=CancelForm,
        form_kwargs=_with_refund_field,
        check=_refund_allowed,
        title="Cancel bookings",
        submit_label="Cancel bookings",
        explain="The customer is told. Their slot and chef are released.",
        service=lambda booking, data, actor: booking_cancel(
            booking=booking,
            actor=actor,
            by_customer=False,
            reason=data["reason"],
            refund_cents=data.get("refund_cents") or 0,
        ),
        done="Cancelled {objects}.",
    ),
    StaffAction(
        name="approve_cancellation",
        description="Approve the cancellation request",
        permission="booking.cancel",
        form=ApproveCancellationForm,
        form_kwargs=_with_refund_field,
        check=_refund_allowed,
        title="Approve cancellation requests",
        submit_label="Approve cancellation",
        service=lambda booking, data, actor: booking_cancellation_approve(
            booking=booking, actor=actor, refund_cents=data.get("refund_cents") or 0, reason=data["reason"]
        ),
        done="Approved the cancellation of {objects}.",
    ),
    StaffAction(
        name="reject_cancellation",
        description="Reject the cancellation request",
        permission="booking.cancel",
        service=lambda booking, data, actor: booking_cancellation_reject(booking=booking, actor=actor),
        done="Rejected the cancellation request of {objects}: back to their status before it.",
    ),
    StaffAction(
        name="mark_completed",
        description="Mark completed",
        permission="booking.complete",
        service=lambda booking, data, actor: booking_complete(booking=booking, actor=actor),
        done="Marked {objects} completed.",
    ),
    StaffAction(
        name="mark_no_show",
        description="Mark no-show",
        permission="booking.complete",
        service=lambda booking, data, actor: booking_mark_no_show(booking=booking, actor=actor),
        done="Marked {objects} a no-show.",
    ),
    StaffAction(
        name="refund",
        description="Refund",
        permission="payment.refund",
        form=RefundForm,
        one_at_a_time=True,
        title="Refund",
        submit_label="Refund",
        explain="Card payments are refunded through Stripe; cash, Zelle and Venmo by hand.",
        service=lambda booking, data, actor: payment_refund(
            booking=booking, amount_cents=data["amount_cents"], reason=data["reason"], actor=actor
        ),
        done=lambda data: f"Refunded {format_cents(data['amount_cents'])} on " + "{objects}.",
    ),
    target=BOOKING,
)
class BookingActions:
    """Mixed into BookingAdmin: the booking lifecycle, payments and the CSV export."""

    @staff_action(description="Export as CSV", permission="booking.export")
    def export_csv(self, request: HttpRequest, queryset) -> HttpResponse:
        return bookings_csv_response(request, queryset)


# --- Reviews --------------------------------------------------------------------------------

REVIEW = ActionTarget(
    what="review",
    label_of=lambda review: f"review of {review.booking.reference}",
    station_of=lambda review: review.booking.station_id,
    prepare=lambda queryset: queryset.select_related("booking"),
)


@staff_actions(
    StaffAction(
        name="approve_reviews",
        description="Approve (show publicly)",
        permission="review.moderate",
        service=lambda review, data, actor: review_moderate(
            review=review, status=Review.Status.APPROVED, actor=actor
        ),
        done="Approved {objects}.",
    ),
    StaffAction(
        name="reject_reviews",
        description="Reject",
        permission="review.moderate",
        service=lambda review, data, actor: review_moderate(
            review=review, status=Review.Status.REJECTED, actor=actor
        ),
        done="Rejected {objects}.",
    ),
    target=REVIEW,
)
class ReviewActions:
    """Mixed into ReviewAdmin: moderation."""
