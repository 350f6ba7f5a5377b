"""The staff panel's actions on bookings and reviews: each one calls the service the API calls.

Mixed into BookingAdmin and ReviewAdmin (core/admin.py). The shared plumbing — permission
checks per station, the intermediate form, the per-object report — is myhibachi/admin_actions.py.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from audit.services import audit_log_write
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
)
from core.services.payments import payment_refund as payment_refund_service
from core.services.reviews import review_moderate
from kernel.money import format_cents
from myhibachi.admin_actions import (
    DollarsField,
    action_form_response,
    exactly_one,
    run_for_each,
    staff_actor,
    staff_may,
    submitted_form,
)
from ops.models import Chef
from ops.slots import SLOTS, slot_label

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
    slot = forms.TypedChoiceField(
        choices=[(slot_label(slot), slot_label(slot)) for slot in SLOTS],
        coerce=lambda value: datetime.time.fromisoformat(value),
    )


class RefundFieldMixin(forms.Form):
    """A refund amount, only for users who may refund (DOMAIN.md: support has no finance rights)."""

    def __init__(self, *args, can_refund: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not can_refund:
            del self.fields["refund_cents"]

    def refund(self) -> int:
        return self.cleaned_data.get("refund_cents") or 0


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
        help_text="No refund unless you choose one (DOMAIN.md); give a reason with it.",
    )
    reason = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class RefundForm(forms.Form):
    amount_cents = DollarsField(label="Refund ($)")
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


# --- Bookings -------------------------------------------------------------------------------


def _reference(booking: Booking) -> str:
    return booking.reference


def _station(booking: Booking):
    return booking.station_id


class BookingActions:
    """Mixed into BookingAdmin: the booking lifecycle, payments and the CSV export."""

    actions = (
        "record_payment",
        "assign_chef",
        "reschedule",
        "cancel_bookings",
        "approve_cancellation",
        "reject_cancellation",
        "mark_completed",
        "mark_no_show",
        "refund",
        "export_csv",
    )

    # Each action is offered only to users holding its business permission at some station;
    # run_for_each checks it again at each booking's station.
    def has_payment_record_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "payment.record")

    def has_payment_refund_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "payment.refund")

    def has_booking_assign_chef_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "booking.assign_chef")

    def has_booking_reschedule_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "booking.reschedule")

    def has_booking_cancel_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "booking.cancel")

    def has_booking_complete_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "booking.complete")

    def has_booking_export_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "booking.export")

    def _run(self, request, bookings, *, permission: str, operation, done: str) -> None:
        run_for_each(
            self,
            request,
            bookings,
            permission=permission,
            station_of=_station,
            label_of=_reference,
            operation=operation,
            done=done,
        )

    @admin.action(description="Record a cash, Zelle or Venmo payment", permissions=["payment_record"])
    def record_payment(self, request: HttpRequest, queryset):
        booking = exactly_one(self, request, queryset, "booking")
        if booking is None:
            return None
        pending = booking.status == Booking.Status.DEPOSIT_PENDING
        form = submitted_form(
            request,
            RecordPaymentForm,
            initial={
                "kind": Payment.Kind.DEPOSIT if pending else Payment.Kind.BALANCE,
                "amount_cents": Decimal(
                    booking.deposit_due_cents if pending else booking_balance_due_cents(booking)
                )
                / 100,
            },
        )
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            actor = staff_actor(request)
            self._run(
                request,
                [booking],
                permission="payment.record",
                operation=lambda booking: payment_record_manual(
                    booking=booking,
                    kind=data["kind"],
                    method=data["method"],
                    amount_cents=data["amount_cents"],
                    reason=data["reason"],
                    actor=actor,
                ),
                done=(
                    f"Recorded a {format_cents(data['amount_cents'])} "
                    f"{Payment.Method(data['method']).label} {Payment.Kind(data['kind']).label.lower()} "
                    "payment for {objects}."
                ),
            )
            return None
        return action_form_response(
            self,
            request,
            objects=[booking],
            form=form,
            title="Record a payment",
            action="record_payment",
            submit_label="Record payment",
            description=(
                f"Total {format_cents(booking.total_due_cents)}, deposit "
                f"{format_cents(booking.deposit_due_cents)}. Card payments come from Stripe."
            ),
        )

    @admin.action(description="Assign or reassign the chef", permissions=["booking_assign_chef"])
    def assign_chef(self, request: HttpRequest, queryset):
        booking = exactly_one(self, request, queryset, "booking")
        if booking is None:
            return None
        form = submitted_form(request, AssignChefForm, booking=booking)
        if not form.fields["chef"].queryset.exists():
            self.message_user(
                request,
                f"{booking.reference}: no other chef of {booking.station.name} is free on "
                f"{booking.date:%b} {booking.date.day} at {slot_label(booking.slot)}.",
                level=messages.WARNING,
            )
            return None
        if form.is_bound and form.is_valid():
            chef = form.cleaned_data["chef"]
            actor = staff_actor(request)
            self._run(
                request,
                [booking],
                permission="booking.assign_chef",
                operation=lambda booking: booking_assign_chef(booking=booking, chef=chef, actor=actor),
                done=f"Assigned {chef.name} to " + "{objects}.",
            )
            return None
        return action_form_response(
            self,
            request,
            objects=[booking],
            form=form,
            title="Assign a chef",
            action="assign_chef",
            submit_label="Assign chef",
            description=(
                f"Chefs of {booking.station.name} free on {booking.date:%A %b} {booking.date.day} at "
                f"{slot_label(booking.slot)}. Now: {booking.chef.name if booking.chef else 'no chef'}."
            ),
        )

    @admin.action(description="Reschedule", permissions=["booking_reschedule"])
    def reschedule(self, request: HttpRequest, queryset):
        booking = exactly_one(self, request, queryset, "booking")
        if booking is None:
            return None
        form = submitted_form(
            request, RescheduleForm, initial={"date": booking.date, "slot": slot_label(booking.slot)}
        )
        if form.is_bound and form.is_valid():
            date, slot = form.cleaned_data["date"], form.cleaned_data["slot"]
            actor = staff_actor(request)
            self._run(
                request,
                [booking],
                permission="booking.reschedule",
                # Staff may move a booking at any time; the service checks the slot's capacity.
                operation=lambda booking: booking_reschedule(
                    booking=booking, date=date, slot=slot, actor=actor, by_customer=False
                ),
                done="Rescheduled {objects}" + f" to {date:%b} {date.day} at {slot_label(slot)}.",
            )
            return None
        return action_form_response(
            self,
            request,
            objects=[booking],
            form=form,
            title="Reschedule",
            action="reschedule",
            submit_label="Reschedule",
            description="The booking keeps its chef when they are free then, else gets a free chef.",
        )

    @admin.action(description="Cancel (with a reason)", permissions=["booking_cancel"])
    def cancel_bookings(self, request: HttpRequest, queryset):
        bookings = list(queryset)
        form = submitted_form(request, CancelForm, can_refund=staff_may(request, "payment.refund"))
        if form.is_bound and form.is_valid():
            refund, reason = form.refund(), form.cleaned_data["reason"]
            if not self._refund_allowed(request, refund, bookings):
                return None
            actor = staff_actor(request)
            self._run(
                request,
                bookings,
                permission="booking.cancel",
                operation=lambda booking: booking_cancel(
                    booking=booking, actor=actor, by_customer=False, reason=reason, refund_cents=refund
                ),
                done="Cancelled {objects}.",
            )
            return None
        return action_form_response(
            self,
            request,
            objects=bookings,
            form=form,
            title="Cancel bookings",
            action="cancel_bookings",
            submit_label="Cancel bookings",
            description="The customer is told. Their slot and chef are released.",
        )

    @admin.action(description="Approve the cancellation request", permissions=["booking_cancel"])
    def approve_cancellation(self, request: HttpRequest, queryset):
        bookings = list(queryset)
        form = submitted_form(
            request, ApproveCancellationForm, can_refund=staff_may(request, "payment.refund")
        )
        if form.is_bound and form.is_valid():
            refund, reason = form.refund(), form.cleaned_data["reason"]
            if not self._refund_allowed(request, refund, bookings):
                return None
            actor = staff_actor(request)
            self._run(
                request,
                bookings,
                permission="booking.cancel",
                operation=lambda booking: booking_cancellation_approve(
                    booking=booking, actor=actor, refund_cents=refund, reason=reason
                ),
                done="Approved the cancellation of {objects}.",
            )
            return None
        return action_form_response(
            self,
            request,
            objects=bookings,
            form=form,
            title="Approve cancellation requests",
            action="approve_cancellation",
            submit_label="Approve cancellation",
        )

    def _refund_allowed(self, request: HttpRequest, refund: int, bookings: list[Booking]) -> bool:
        if refund and len(bookings) != 1:
            self.message_user(request, "A refund is for one booking at a time.", level=messages.WARNING)
            return False
        if refund and not staff_may(request, "payment.refund", station_id=bookings[0].station_id):
            self.message_user(request, "You may not refund at this station.", level=messages.ERROR)
            return False
        return True

    @admin.action(description="Reject the cancellation request", permissions=["booking_cancel"])
    def reject_cancellation(self, request: HttpRequest, queryset):
        actor = staff_actor(request)
        self._run(
            request,
            queryset,
            permission="booking.cancel",
            operation=lambda booking: booking_cancellation_reject(booking=booking, actor=actor),
            done="Rejected the cancellation request of {objects}: back to their status before it.",
        )

    @admin.action(description="Mark completed", permissions=["booking_complete"])
    def mark_completed(self, request: HttpRequest, queryset):
        actor = staff_actor(request)
        self._run(
            request,
            queryset,
            permission="booking.complete",
            operation=lambda booking: booking_complete(booking=booking, actor=actor),
            done="Marked {objects} completed.",
        )

    @admin.action(description="Mark no-show", permissions=["booking_complete"])
    def mark_no_show(self, request: HttpRequest, queryset):
        actor = staff_actor(request)
        self._run(
            request,
            queryset,
            permission="booking.complete",
            operation=lambda booking: booking_mark_no_show(booking=booking, actor=actor),
            done="Marked {objects} a no-show.",
        )

    @admin.action(description="Refund", permissions=["payment_refund"])
    def refund(self, request: HttpRequest, queryset):
        booking = exactly_one(self, request, queryset, "booking")
        if booking is None:
            return None
        form = submitted_form(request, RefundForm)
        if form.is_bound and form.is_valid():
            amount, reason = form.cleaned_data["amount_cents"], form.cleaned_data["reason"]
            actor = staff_actor(request)
            self._run(
                request,
                [booking],
                permission="payment.refund",
                operation=lambda booking: payment_refund_service(
                    booking=booking, amount_cents=amount, reason=reason, actor=actor
                ),
                done=f"Refunded {format_cents(amount)} on " + "{objects}.",
            )
            return None
        return action_form_response(
            self,
            request,
            objects=[booking],
            form=form,
            title="Refund",
            action="refund",
            submit_label="Refund",
            description="Card payments are refunded through Stripe; cash, Zelle and Venmo by hand.",
        )

    @admin.action(description="Export as CSV", permissions=["booking_export"])
    def export_csv(self, request: HttpRequest, queryset) -> HttpResponse:
        return bookings_csv_response(request, queryset)


# The CSV's columns; the address only for users who may see it at the booking's station.
CSV_COLUMNS = (
    "reference",
    "status",
    "date",
    "slot",
    "station",
    "customer",
    "email",
    "phone",
    "adults",
    "kids",
    "toddlers",
    "chef",
    "total_due",
    "deposit_due",
    "source",
    "zip_code",
    "address",
)
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS) and not _is_plain_number(text):
        return "'" + text
    return text


def _is_plain_number(text: str) -> bool:
    return text[1:].replace(".", "", 1).isdigit()


def _dollars(cents: int) -> str:
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def bookings_csv_response(request: HttpRequest, queryset) -> HttpResponse:
    """The bookings as CSV: only those at stations where the user may export, addresses only
    where they may see them (never decrypted otherwise). The export is audited."""
    queryset = queryset.select_related("customer", "station", "chef").order_by("date", "slot", "reference")
    if not staff_may(request, "booking.view_address"):
        queryset = queryset.defer("address")
    content = io.StringIO()
    writer = csv.writer(content)
    writer.writerow(CSV_COLUMNS)
    exported = []
    for booking in queryset:
        if not staff_may(request, "booking.export", station_id=booking.station_id):
            continue
        shows_address = staff_may(request, "booking.view_address", station_id=booking.station_id)
        exported.append(booking.reference)
        writer.writerow(
            [
                _cell(value)
                for value in (
                    booking.reference,
                    booking.status,
                    booking.date.isoformat(),
                    slot_label(booking.slot),
                    booking.station.code,
                    booking.customer.full_name,
                    booking.customer.email,
                    booking.customer.phone,
                    booking.party_adults,
                    booking.party_kids,
                    booking.party_toddlers,
                    booking.chef.name if booking.chef else "",
                    _dollars(booking.total_due_cents),
                    _dollars(booking.deposit_due_cents),
                    booking.source,
                    booking.zone,
                    booking.address if shows_address else "hidden",
                )
            ]
        )
    audit_log_write(
        actor=staff_actor(request),
        action="booking.export",
        resource_type=Booking._meta.label_lower,
        after={"count": len(exported), "references": exported},
        reason="CSV export from the staff panel",
    )
    response = HttpResponse(content.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"bookings-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Reviews --------------------------------------------------------------------------------


def _review_label(review: Review) -> str:
    return f"review of {review.booking.reference}"


class ReviewActions:
    """Mixed into ReviewAdmin: moderation."""

    actions = ("approve_reviews", "reject_reviews")

    def has_review_moderate_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "review.moderate")

    def _moderate(self, request: HttpRequest, queryset, status: str, done: str) -> None:
        actor = staff_actor(request)
        run_for_each(
            self,
            request,
            queryset.select_related("booking"),
            permission="review.moderate",
            station_of=lambda review: review.booking.station_id,
            label_of=_review_label,
            operation=lambda review: review_moderate(review=review, status=status, actor=actor),
            done=done,
        )

    @admin.action(description="Approve (show publicly)", permissions=["review_moderate"])
    def approve_reviews(self, request: HttpRequest, queryset):
        self._moderate(request, queryset, Review.Status.APPROVED, "Approved {objects}.")

    @admin.action(description="Reject", permissions=["review_moderate"])
    def reject_reviews(self, request: HttpRequest, queryset):
        self._moderate(request, queryset, Review.Status.REJECTED, "Rejected {objects}.")
