"""Staff panel: customers, bookings, payments, messages, reviews, Stripe events, notifications.

Lifecycle and money fields are read-only here: status transitions, quotes and payments are
made by the services (and the admin actions that call them), which check and audit them.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from audit.models import AuditLog
from core.admin_actions import BookingActions, ReviewActions
from core.admin_booking_add import BookingAddPage
from core.admin_booking_list import BookingListMixin
from core.admin_changes import BookingChangeActions
from core.admin_chef_view import ChefPartyDetails
from core.admin_inbox import ThreadActions
from core.admin_staff_options import StaffOptionActions
from core.models import Booking, Customer, Message, MessageThread, Notification, Payment, Review, StripeEvent
from core.selectors import customer_by_email
from identity.scoping import CUSTOMER_STATION_PATHS, customer_station_paths
from identity.staff_panel.actions import staff_may
from identity.staff_panel.json_display import pretty_json
from identity.staff_panel.readonly import ReadOnlyMixin
from identity.staff_panel.scoped import StationScopedAdmin, StationScopedInline
from kernel.contact import normalize_email
from kernel.money import format_cents
from ops.slots import slot_label


def _admin_link(obj, label: str | None = None) -> str:
    if obj is None:
        return "—"
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label if label is not None else str(obj))


# Audit rows shown on a booking's page: its history is short; the audit log admin has the rest.
AUDIT_TRAIL_LENGTH = 50
# Bookkeeping fields that change with everything and say nothing on their own.
_UNCHANGED_NOISE = frozenset({"updated_at"})


def _changes(before: dict | None, after: dict | None) -> str:
    """'status: confirmed → cancelled; chef: … → …' for the fields an audit row changed."""
    before, after = before or {}, after or {}
    changed = [
        f"{name}: {before.get(name, '—')} → {after.get(name, '—')}"
        for name in sorted(set(before) | set(after))
        if name not in _UNCHANGED_NOISE and before.get(name) != after.get(name) and name in before
    ]
    return "; ".join(changed)


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ("first_name", "last_name", "email", "phone")

    def clean_email(self) -> str:
        # The one normal form (kernel.contact), so that lookups by equality find this row.
        email = normalize_email(self.cleaned_data["email"])
        others = Customer.objects.exclude(pk=self.instance.pk)
        if customer_by_email(email, queryset=others) is not None:
            raise forms.ValidationError("Another customer has this email address.")
        return email


@admin.register(Customer)
class CustomerAdmin(StationScopedAdmin):
    station_path = CUSTOMER_STATION_PATHS  # a customer has no station: those of their bookings and leads
    form = CustomerForm
    list_display = (
        "full_name_display",
        "email",
        "phone",
        "sms_consent",
        "email_consent",
        "booking_count",
        "total_spend",
        "created_at",
    )
    list_filter = ("sms_consent", "email_consent")
    search_fields = ("first_name", "last_name", "email", "phone")
    fieldsets = (
        (None, {"fields": ("first_name", "last_name", "email", "phone")}),
        (
            "Consent",
            {
                "fields": (
                    ("sms_consent", "sms_consent_at"),
                    "sms_consent_text",
                    ("email_consent", "email_consent_at"),
                    "email_consent_text",
                ),
                "description": "Consent is given by the customer and revoked by STOP or unsubscribe.",
            },
        ),
        ("History", {"fields": ("booking_count", "total_spend", "stripe_customer_id")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = (
        "sms_consent",
        "sms_consent_at",
        "sms_consent_text",
        "email_consent",
        "email_consent_at",
        "email_consent_text",
        "booking_count",
        "total_spend",
        "stripe_customer_id",
        "created_at",
        "updated_at",
    )

    @admin.display(description="Name", ordering="last_name")
    def full_name_display(self, obj: Customer) -> str:
        return obj.full_name

    @admin.display(description="Total spend", ordering="total_spend_cents")
    def total_spend(self, obj: Customer) -> str:
        return format_cents(obj.total_spend_cents)


@admin.register(Booking)
class BookingAdmin(
    BookingAddPage,
    ChefPartyDetails,
    BookingListMixin,
    BookingChangeActions,
    StaffOptionActions,
    BookingActions,
    StationScopedAdmin,
):
    actions = (*BookingActions.actions, *BookingChangeActions.actions, *StaffOptionActions.actions)
    station_path = "station"
    # Shown only to who may see them (identity/staff_panel/): a chef sees their party, not
    # its money, the customer's record or the audit trail.
    field_permissions = {
        "audit_trail": "audit.read",
        "payments_table": "payment.read",
        "customer_contact": "customer.read",
        "customer": "customer.read",  # a chef reads the day-of contact in "Your party"
        # Money is never shown to a chef (DOMAIN.md "Chefs").
        "total_due": "payment.read",
        "deposit_due": "payment.read",
        "deposit_due_at": "payment.read",
        "refund_due": "payment.read",
        "quote_lines": "payment.read",
    }
    # list_display, list_filter, search_fields and the order: core/admin_booking_list.py
    list_select_related = ("customer", "station", "chef")
    autocomplete_fields = ("customer",)
    date_hierarchy = "date"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "status",
                    "previous_status",
                    "source",
                    "customer",
                    "customer_contact",
                    "station",
                    "chef",
                )
            },
        ),
        (
            "Event",
            {
                "fields": (
                    ("date", "slot"),
                    "address",
                    "zone",
                    ("party_adults", "party_kids", "party_toddlers"),
                    "items",
                    "special_requests",
                )
            },
        ),
        (
            "Money",
            {
                "fields": (
                    "total_due",
                    "deposit_due",
                    "deposit_due_at",
                    "payment_hold",
                    "refund_due",
                    "quote_lines",
                    "payments_table",
                )
            },
        ),
        (
            "Staff",
            {
                "fields": (
                    "flagged_for_staff",
                    "flag_reason",
                    "cancellation_reason",
                    "cancelled_at",
                    "completed_at",
                )
            },
        ),
        ("Audit trail", {"fields": ("audit_trail",)}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = (
        "reference",
        "status",
        "previous_status",
        # The station, chef and slot change through the actions (assign chef, reschedule),
        # whose services check capacity and time off; the party, menu and address through
        # "Change party and menu" and "Change event address", whose services reprice them.
        "station",
        "chef",
        "date",
        "slot",
        "address",
        "zone",
        "party_adults",
        "party_kids",
        "party_toddlers",
        "items",
        "customer_contact",
        "total_due",
        "deposit_due",
        "refund_due",
        "quote_lines",
        "payments_table",
        "audit_trail",
        "cancelled_at",
        "completed_at",
        "created_at",
        "updated_at",
    )

    def _shows_address(self, request, obj: Booking | None) -> bool:
        return staff_may(request, "booking.view_address", station_id=obj.station_id if obj else None)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._shows_address(request, obj):
            return fieldsets
        # Without booking.view_address the encrypted address is neither shown nor in the form
        # (the form's fields are these fieldsets'), so it is never decrypted onto the page.
        return [
            (
                name,
                {
                    **options,
                    "fields": tuple("address_hidden" if f == "address" else f for f in options["fields"]),
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if self._shows_address(request, obj) else (*readonly, "address_hidden")

    @admin.display(description="Address")
    def address_hidden(self, obj: Booking) -> str:
        return "hidden"

    @admin.display(description="Contact")
    def customer_contact(self, obj: Booking) -> str:
        customer = obj.customer
        stored = format_html(
            "{}<br>{} · {}<br>{} completed booking(s), {} spent",
            _admin_link(customer, customer.full_name),
            customer.email,
            customer.phone or "no phone",
            customer.booking_count,
            format_cents(customer.total_spend_cents),
        )
        # The day-of contact the booking form gave (texts about this booking go there).
        day_of_name = f"{obj.contact_first_name} {obj.contact_last_name}".strip()
        if not (obj.contact_phone or day_of_name):
            return stored
        return format_html(
            "{}<br><strong>Day-of contact:</strong> {} · {}{}",
            stored,
            day_of_name or customer.full_name,
            obj.contact_phone or "no phone",
            " (texts allowed)" if obj.contact_sms_consent else "",
        )

    @admin.display(description="Quote at booking time")
    def quote_lines(self, obj: Booking) -> str:
        quote = obj.quote or {}
        if not quote.get("lines"):
            return "—"
        lines = format_html_join(
            "",
            '<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
            (
                (
                    line["label"],
                    line["quantity"],
                    format_cents(line["unit_cents"]),
                    format_cents(line["total_cents"]),
                )
                for line in quote["lines"]
            ),
        )
        summary = [("Food", quote.get("food_cents"))]
        if quote.get("minimum_applied"):
            summary.append(("Party minimum applied", quote.get("party_minimum_cents")))
        summary += [
            (f"Travel fee ({quote.get('distance_miles', '?')} miles)", quote.get("travel_fee_cents")),
            ("Tax", quote.get("tax_cents")),
            ("Total", quote.get("total_cents")),
            ("Deposit", quote.get("deposit_cents")),
        ]
        totals = format_html_join(
            "",
            '<tr><th colspan="3">{}</th><td class="num">{}</td></tr>',
            ((label, format_cents(cents)) for label, cents in summary),
        )
        return format_html(
            '<table class="quote-lines"><thead><tr><th>Item</th><th>Qty</th><th>Each</th><th>Amount</th>'
            "</tr></thead><tbody>{}{}</tbody></table>",
            lines,
            totals,
        )

    @admin.display(description="Payments")
    def payments_table(self, obj: Booking) -> str:
        payments = list(obj.payments.order_by("created_at"))
        if not payments:
            return "No payments yet."
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    _admin_link(payment, f"{timezone.localtime(payment.created_at):%Y-%m-%d %H:%M}"),
                    payment.get_kind_display(),
                    payment.get_method_display(),
                    format_cents(payment.amount_cents),
                    payment.get_status_display(),
                    payment.reason or "",
                )
                for payment in payments
            ),
        )
        return format_html(
            "<table><thead><tr><th>Created</th><th>Kind</th><th>Method</th><th>Amount</th><th>Status</th>"
            "<th>Reason</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="Audit trail (newest first)")
    def audit_trail(self, obj: Booking) -> str:
        entries = list(
            AuditLog.objects.filter(
                resource_type=Booking._meta.label_lower, resource_id=str(obj.pk)
            ).order_by("-created_at")[:AUDIT_TRAIL_LENGTH]
        )
        if not entries:
            return "Nothing recorded yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{timezone.localtime(entry.created_at):%Y-%m-%d %H:%M}",
                    f"{entry.actor_label or entry.get_actor_type_display()}"
                    + (f" ({entry.role})" if entry.role else ""),
                    entry.action,
                    _changes(entry.before, entry.after),
                    entry.reason,
                )
                for entry in entries
            ),
        )
        return format_html(
            "<table><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Changes</th><th>Reason</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="Slot", ordering="slot")
    def slot_display(self, obj: Booking) -> str:
        return slot_label(obj.slot)

    @admin.display(description="Customer", ordering="customer__last_name")
    def customer_name(self, obj: Booking) -> str:
        return obj.customer.full_name

    @admin.display(description="Guests")
    def guests(self, obj: Booking) -> str:
        parts = [f"{obj.party_adults} adults"]
        if obj.party_kids:
            parts.append(f"{obj.party_kids} kids")
        if obj.party_toddlers:
            parts.append(f"{obj.party_toddlers} toddlers")
        return ", ".join(parts)

    @admin.display(description="Total", ordering="total_due_cents")
    def total_due(self, obj: Booking) -> str:
        return format_cents(obj.total_due_cents)

    @admin.display(description="Deposit", ordering="deposit_due_cents")
    def deposit_due(self, obj: Booking) -> str:
        return format_cents(obj.deposit_due_cents)

    @admin.display(description="Refund due", ordering="refund_due_cents")
    def refund_due(self, obj: Booking) -> str:
        return format_cents(obj.refund_due_cents)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, StationScopedAdmin):
    station_path = "booking__station"
    list_display = (
        "created_at",
        "booking_link",
        "kind",
        "method",
        "amount",
        "status",
        "stripe_payment_id",
        "succeeded_at",
        "receipt_link",
    )
    list_filter = ("status", "kind", "method", "booking__station")
    search_fields = ("=booking__reference", "booking__customer__email", "=stripe_payment_id")
    list_select_related = ("booking", "receipt")
    fields = (
        "receipt_link",
        "booking_link",
        "kind",
        "method",
        "amount",
        "status",
        "stripe_payment_id",
        "idempotency_key",
        "refund_of_link",
        "reason",
        "failure_reason",
        "recorded_by",
        "succeeded_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description="Receipt")
    def receipt_link(self, obj: Payment) -> str:
        receipt = getattr(obj, "receipt", None) if obj.status != Payment.Status.PENDING else None
        if receipt is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("staff-receipt", args=[obj.pk]), receipt.label)

    @admin.display(description="Booking", ordering="booking__reference")
    def booking_link(self, obj: Payment) -> str:
        return _admin_link(obj.booking, obj.booking.reference)

    @admin.display(description="Refund of")
    def refund_of_link(self, obj: Payment) -> str:
        return _admin_link(obj.refund_of)

    @admin.display(description="Amount", ordering="amount_cents")
    def amount(self, obj: Payment) -> str:
        return format_cents(obj.amount_cents)


class MessageInline(ReadOnlyMixin, StationScopedInline, admin.TabularInline):
    model = Message
    fields = ("created_at", "direction", "channel", "status", "subject", "body", "template")
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(MessageThread)
class MessageThreadAdmin(ThreadActions, StationScopedAdmin):
    # A thread belongs to one station (MessageThread.station), whatever else its customer books.
    station_path = "station"
    ordering = ("-updated_at",)  # explicit: the counted (grouped) queryset drops Meta.ordering
    inlines = (MessageInline,)
    list_display = ("customer", "channel", "status", "subject", "booking", "message_count", "updated_at")
    list_filter = ("status", "channel")
    search_fields = (
        "customer__email",
        "customer__first_name",
        "customer__last_name",
        "customer__phone",
        "subject",
        "=booking__reference",
    )
    list_select_related = ("customer", "booking")
    autocomplete_fields = ("customer", "booking")
    date_hierarchy = "created_at"
    fields = ("customer", "booking", "station", "channel", "status", "subject", "created_at", "updated_at")
    readonly_fields = ("station", "created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_message_count=Count("messages"))

    @admin.display(description="Messages", ordering="_message_count")
    def message_count(self, obj: MessageThread) -> int:
        return obj._message_count


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, StationScopedAdmin):
    station_path = "thread__station"
    list_display = ("created_at", "thread", "direction", "channel", "status", "excerpt", "template")
    list_filter = ("direction", "channel", "status")
    search_fields = ("body", "subject", "thread__customer__email", "=provider_id")
    list_select_related = ("thread__customer",)
    date_hierarchy = "created_at"
    fields = (
        "thread",
        "direction",
        "channel",
        "status",
        "subject",
        "body",
        "template",
        "provider_id",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description="Message")
    def excerpt(self, obj: Message) -> str:
        return Truncator(obj.body).chars(80)


@admin.register(Review)
class ReviewAdmin(ReviewActions, StationScopedAdmin):
    station_path = "booking__station"
    list_display = ("created_at", "customer", "booking", "rating", "status", "excerpt", "moderated_at")
    list_filter = ("status", "rating", "booking__station")
    search_fields = ("customer__email", "customer__last_name", "=booking__reference", "content")
    list_select_related = ("customer", "booking")
    date_hierarchy = "created_at"
    fields = (
        "booking",
        "customer",
        "rating",
        "content",
        "status",
        "moderated_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("booking", "customer", "rating", "content", "moderated_at", "created_at", "updated_at")

    def has_add_permission(self, request) -> bool:
        # Reviews come from customers after their event.
        return False

    @admin.display(description="Review")
    def excerpt(self, obj: Review) -> str:
        return Truncator(obj.content).chars(80)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyMixin, StationScopedAdmin):
    """Stripe webhook events as received and processed: a record, not editable."""

    # Payloads of every station's payments and customers: only who sees every station.
    station_path = None
    every_station_required_for = frozenset({"view"})

    list_display = ("created_at", "type", "event_id", "status", "livemode", "attempts", "processed_at")
    list_filter = ("status", "livemode", "type")
    search_fields = ("=event_id", "type", "note")
    date_hierarchy = "created_at"
    fields = (
        "event_id",
        "type",
        "livemode",
        "status",
        "attempts",
        "note",
        "last_error",
        "processed_at",
        "payload_display",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description="Payload")
    def payload_display(self, obj: StripeEvent) -> str:
        return pretty_json(obj.payload)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, StationScopedAdmin):
    """Reminders, booking emails and staff alerts, each sent at most once: a record, not editable."""

    station_path = ("booking__station", *customer_station_paths("customer__"))

    list_display = ("created_at", "kind", "channel", "status", "recipient", "booking", "customer", "sent_at")
    list_filter = ("status", "channel", "kind")
    search_fields = ("recipient", "=booking__reference", "customer__email", "occurrence")
    list_select_related = ("booking", "customer")
    date_hierarchy = "created_at"
    fields = (
        "kind",
        "channel",
        "status",
        "recipient",
        "booking",
        "customer",
        "lead_id",
        "occurrence",
        "message",
        "attempts",
        "last_error",
        "sent_at",
        "context_display",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description="Context")
    def context_display(self, obj: Notification) -> str:
        return pretty_json(obj.context)
