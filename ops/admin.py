"""Staff panel: chefs, their time off, the stations' booking policies and the chefs' pay rates."""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from identity.scoping import user_has_permission
from identity.staff_panel.audit_trail import admin_actor
from identity.staff_panel.scoped import StationScopedAdmin, StationScopedInline
from kernel.money import format_cents
from ops.models import BookingPolicy, Chef, ChefAvailability, PayRate
from ops.policy import booking_rules, booking_rules_forget
from ops.services import chef_rating_override
from ops.slots import EARLIEST_SLOT, LATEST_SLOT, MIN_SLOT_GAP_MINUTES, parse_slot_times, slot_label
from ops.time_off import booked_references, time_off_clear

BOOKED_HINT = "Reassign the booking first"


def _booked_error(entry: ChefAvailability, references: list[str], *, can_unassign: bool) -> str:
    when = f"at {slot_label(entry.slot)}" if entry.slot else "that day"
    fix = "tick “Unassign the chef” to take them off it" if can_unassign else "ask a manager to unassign them"
    return f"{entry.chef.name} is booked {when}: {', '.join(references)}. {BOOKED_HINT}, or {fix}."


def _slot_not_offered(chef: Chef, slot) -> str | None:
    """Time off is for a whole day or one of the chef's station's slots (its booking policy)."""
    if slot is None or chef.station_id is None:
        return None
    offered = booking_rules(chef.station).slot_times
    if slot in offered:
        return None
    times = ", ".join(slot_label(time) for time in offered)
    return (
        f"{chef.station.name} offers these slots: {times}. Choose one, or leave it empty for the whole day."
    )


class TimeOffForm(forms.ModelForm):
    """Time off on a day the chef is booked: refused, naming the booking, unless a manager ticks
    the box that unassigns the chef from it (ops.time_off; the alert goes to the station's staff)."""

    unassign_booked = forms.BooleanField(
        required=False,
        label="Unassign the chef from bookings that day",
        help_text="Managers only: the bookings lose their chef and staff are alerted to find another.",
    )

    class Meta:
        model = ChefAvailability
        fields = ("chef", "date", "slot", "is_available", "note")

    def clean(self):
        cleaned = super().clean()
        entry = self.instance
        for name in ("chef", "date", "slot", "is_available", "note"):
            if name in cleaned:
                setattr(entry, name, cleaned[name])
        if (
            entry.chef_id
            and "slot" in self.changed_data
            and (error := _slot_not_offered(entry.chef, entry.slot))
        ):
            self.add_error("slot", error)
        if self.errors or entry.is_available or not entry.chef_id or not entry.date:
            return cleaned
        references = booked_references(chef=entry.chef, date=entry.date, slot=entry.slot)
        can_unassign = user_has_permission(self.request.user, "booking.assign_chef", entry.chef.station_id)
        if references and not (can_unassign and cleaned.get("unassign_booked")):
            raise forms.ValidationError(_booked_error(entry, references, can_unassign=can_unassign))
        return cleaned


class UpcomingAvailabilityInline(StationScopedInline, admin.TabularInline):
    """Today's and future entries; the history is in the chef availability list."""

    model = ChefAvailability
    fields = ("date", "slot", "is_available", "note")
    extra = 0
    verbose_name = "time off / availability entry"
    verbose_name_plural = "upcoming time off and availability"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(date__gte=timezone.localdate())

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class CheckedFormSet(formset):
            def clean(self):
                super().clean()
                for form in self.forms:
                    data = getattr(form, "cleaned_data", None) or {}
                    if not data or data.get("DELETE") or data.get("is_available") or not data.get("date"):
                        continue
                    if "slot" in form.changed_data and (
                        error := _slot_not_offered(self.instance, data.get("slot"))
                    ):
                        form.add_error("slot", error)
                        continue
                    entry = ChefAvailability(chef=self.instance, date=data["date"], slot=data.get("slot"))
                    references = booked_references(chef=self.instance, date=entry.date, slot=entry.slot)
                    if references:
                        form.add_error(
                            "date",
                            _booked_error(entry, references, can_unassign=False)
                            + " (or use the chef availability page)",
                        )

        return CheckedFormSet


class ChefForm(forms.ModelForm):
    class Meta:
        model = Chef
        fields = (
            "name",
            "station",
            "is_active",
            "user",
            "phone",
            "email",
            "sms_consent",
            "rating_override",
            "rating_override_reason",
            "pay_tier",
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        override_changed = {"rating_override", "rating_override_reason"} & set(self.changed_data)
        if override_changed and not (cleaned.get("rating_override_reason") or "").strip():
            self.add_error("rating_override_reason", "Give the reason for the rating you set.")
        return cleaned


@admin.register(Chef)
class ChefAdmin(StationScopedAdmin):
    station_path = "station"
    form = ChefForm
    inlines = (UpcomingAvailabilityInline,)
    list_display = (
        "name",
        "station",
        "phone",
        "email",
        "rating",
        "review_count",
        "pay_tier",
        "is_active",
        "sms_consent",
        "login",
    )
    list_filter = ("station", "is_active", "pay_tier")
    search_fields = ("name", "email", "phone")
    list_select_related = ("station", "user")
    autocomplete_fields = ("user",)
    fieldsets = (
        (None, {"fields": ("name", "station", "is_active", "user")}),
        ("Contact", {"fields": ("phone", "email", "sms_consent")}),
        (
            "Performance and pay",
            {
                "fields": (
                    "rating",
                    "review_count",
                    "review_mean",
                    "rating_override",
                    "rating_override_reason",
                    "pay_tier",
                ),
                "description": "The rating is the mean of the chef's approved reviews. A manager may set "
                "it by hand, with a reason (audited); clear the override to go back to the reviews.",
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = ("rating", "review_count", "review_mean", "created_at", "updated_at")

    def save_model(self, request, obj, form, change) -> None:
        # The override goes through its service (audited with its reason, the rating recomputed).
        override_changed = {"rating_override", "rating_override_reason"} & set(form.changed_data)
        rating, reason = obj.rating_override, obj.rating_override_reason
        if override_changed and change:
            stored = Chef.objects.filter(pk=obj.pk).values("rating_override", "rating_override_reason").get()
            obj.rating_override, obj.rating_override_reason = (
                stored["rating_override"],
                stored["rating_override_reason"],
            )
        super().save_model(request, obj, form, change)
        if override_changed:
            chef = chef_rating_override(chef=obj, rating=rating, reason=reason, actor=admin_actor(request))
            obj.rating, obj.rating_override, obj.rating_override_reason = (
                chef.rating,
                chef.rating_override,
                chef.rating_override_reason,
            )

    @admin.display(description="Staff login", ordering="user__email")
    def login(self, obj: Chef) -> str:
        return obj.user.email if obj.user else "—"


@admin.register(ChefAvailability)
class ChefAvailabilityAdmin(StationScopedAdmin):
    station_path = "chef__station"
    list_display = ("chef", "station", "date", "slot_display", "is_available", "note")
    list_filter = ("is_available", "chef__station", "slot")
    search_fields = ("chef__name", "note")
    list_select_related = ("chef__station",)
    autocomplete_fields = ("chef",)
    date_hierarchy = "date"
    form = TimeOffForm
    fields = ("chef", "date", "slot", "is_available", "note", "unassign_booked")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # the form offers unassigning only to who may assign chefs
        return form

    def save_model(self, request, obj, form, change):
        self._refuse_outside_stations(request, obj)
        # core's check again under the chef's lock, and the unassignment (ops.time_off), in the
        # admin's transaction; then the entry is saved and audited as every admin write.
        time_off_clear(
            entry=obj,
            actor=admin_actor(request),
            unassign_booked=bool(form.cleaned_data.get("unassign_booked")),
        )
        super().save_model(request, obj, form, change)

    @admin.display(description="Station", ordering="chef__station__name")
    def station(self, obj: ChefAvailability) -> str:
        return obj.chef.station.name

    @admin.display(description="Slot", ordering="slot")
    def slot_display(self, obj: ChefAvailability) -> str:
        return obj.slot.strftime("%H:%M") if obj.slot else "All day"


class SlotTimesField(forms.CharField):
    """The times a station offers, typed as "11:30, 14:30, 17:30, 20:30" (rules: ops/slots.py)."""

    def to_python(self, value):
        return parse_slot_times(super().to_python(value))

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(slot_label(slot) for slot in sorted(value))
        return value


class BookingPolicyForm(forms.ModelForm):
    slot_times = SlotTimesField(
        label="Slot times",
        widget=forms.TextInput(attrs={"size": 40, "placeholder": "12:00, 15:00, 18:00, 21:00"}),
        help_text=(
            "The times parties start, in the station's local time, separated by commas: on a quarter hour, "
            f"between {slot_label(EARLIEST_SLOT)} and {slot_label(LATEST_SLOT)}, at least "
            f"{MIN_SLOT_GAP_MINUTES // 60} h {MIN_SLOT_GAP_MINUTES % 60:02d} min apart. "
            "Bookings already made at a time no longer offered keep it."
        ),
    )

    class Meta:
        model = BookingPolicy
        fields = (
            "station",
            "refund_notice_days",
            "change_cutoff_hours",
            "booking_min_lead_hours",
            "booking_max_ahead_days",
            "deposit_deadline_hours",
            "slot_times",
            "staff_party_size",
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        lead, ahead = cleaned.get("booking_min_lead_hours"), cleaned.get("booking_max_ahead_days")
        if lead is not None and ahead is not None and lead >= ahead * 24:
            self.add_error("booking_min_lead_hours", "Bookings must open before the booking window closes.")
        return cleaned


@admin.register(BookingPolicy)
class BookingPolicyAdmin(StationScopedAdmin):
    """Admins change a station's rules here (audited by the mixin); every page, email and service
    reads them through ops.policy.booking_rules, whose cached copy is dropped on save."""

    station_path = "station"
    form = BookingPolicyForm
    list_display = (
        "station",
        "refund_notice_days",
        "change_cutoff_hours",
        "booking_min_lead_hours",
        "booking_max_ahead_days",
        "deposit_deadline_hours",
        "slots",
        "staff_party_size",
        "updated_at",
    )
    list_filter = ("station",)
    search_fields = ("station__name", "station__code")
    list_select_related = ("station",)
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description="Slots")
    def slots(self, obj: BookingPolicy) -> str:
        return ", ".join(slot_label(slot) for slot in sorted(obj.slot_times))

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "station") if obj is not None else fields

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        station_id = obj.station_id
        transaction.on_commit(lambda: booking_rules_forget(station_id))


@admin.register(PayRate)
class PayRateAdmin(StationScopedAdmin):
    """What each pay tier earns per party and per guest: the payouts report computes pay from it.
    Admins change it (`payrate.update`, audited by the mixin); managers read it."""

    station_path = None  # one set of rates for every station
    list_display = ("pay_tier", "per_party", "per_guest", "updated_at")
    list_filter = ("pay_tier",)
    search_fields = ("pay_tier",)
    fields = ("pay_tier", "per_party_cents", "per_guest_cents", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description="Per party", ordering="per_party_cents")
    def per_party(self, obj: PayRate) -> str:
        return format_cents(obj.per_party_cents)

    @admin.display(description="Per guest", ordering="per_guest_cents")
    def per_guest(self, obj: PayRate) -> str:
        return format_cents(obj.per_guest_cents)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "pay_tier") if obj is not None else fields
