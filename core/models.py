import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django_cryptography.fields import encrypt

from kernel.db.trigram import trigram_index
from kernel.models import UUIDModel


class Customer(UUIDModel):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +15105551234")
    sms_consent = models.BooleanField(default=False)
    sms_consent_at = models.DateTimeField(null=True, blank=True)
    sms_consent_text = models.TextField(blank=True)
    email_consent = models.BooleanField(default=False)
    email_consent_at = models.DateTimeField(null=True, blank=True)
    email_consent_text = models.TextField(blank=True)
    booking_count = models.PositiveIntegerField(default=0)
    total_spend_cents = models.BigIntegerField(default=0)
    stripe_customer_id = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = 'core"."customers'
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="uq_customers_email")]
        indexes = [
            models.Index(fields=["phone"], name="ix_customers_phone"),
            # The staff list's order, and its search box (identity/staff_panel/search.py).
            models.Index(fields=["last_name", "first_name", "id"], name="ix_customers_name_id"),
            trigram_index("first_name", "ix_customers_first_name_trgm"),
            trigram_index("last_name", "ix_customers_last_name_trgm"),
            trigram_index("email", "ix_customers_email_trgm"),
            trigram_index("phone", "ix_customers_phone_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class BookingStatus(models.TextChoices):
    DEPOSIT_PENDING = "deposit_pending", "Deposit pending"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLATION_REQUESTED = "cancellation_requested", "Cancellation requested"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"


# Statuses that hold a slot and a chef (docs/business-rules.md "Time slots and availability").
ACTIVE_BOOKING_STATUSES = (
    BookingStatus.DEPOSIT_PENDING,
    BookingStatus.CONFIRMED,
    BookingStatus.CANCELLATION_REQUESTED,
)


class BookingAction(models.TextChoices):
    """What can happen to a booking; each is one service in core/services/bookings/lifecycle.py."""

    CONFIRM = "confirm", "Confirm (deposit paid)"
    REQUEST_CANCELLATION = "request_cancellation", "Request cancellation"
    CANCEL = "cancel", "Cancel"
    APPROVE_CANCELLATION = "approve_cancellation", "Approve cancellation"
    REJECT_CANCELLATION = "reject_cancellation", "Reject cancellation"
    RESCHEDULE = "reschedule", "Reschedule"
    ASSIGN_CHEF = "assign_chef", "Assign chef"
    COMPLETE = "complete", "Complete"
    MARK_NO_SHOW = "mark_no_show", "Mark no-show"
    CHANGE_PARTY = "change_party", "Change party, menu or address"


# Targets that are not a fixed status: the booking keeps its status (reschedule, chef
# assignment), or goes back to the status it had before the cancellation request (reject).
SAME_STATUS = "="
PREVIOUS_STATUS = "<"


# The one transition table of docs/business-rules.md "Booking lifecycle": for each action, the statuses it
# is allowed from and the status it leads to. The services check against it and nothing else.
BOOKING_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    BookingAction.CONFIRM: (frozenset({BookingStatus.DEPOSIT_PENDING}), BookingStatus.CONFIRMED),
    BookingAction.REQUEST_CANCELLATION: (
        frozenset({BookingStatus.DEPOSIT_PENDING, BookingStatus.CONFIRMED}),
        BookingStatus.CANCELLATION_REQUESTED,
    ),
    BookingAction.CANCEL: (frozenset(ACTIVE_BOOKING_STATUSES), BookingStatus.CANCELLED),
    BookingAction.APPROVE_CANCELLATION: (
        frozenset({BookingStatus.CANCELLATION_REQUESTED}),
        BookingStatus.CANCELLED,
    ),
    BookingAction.REJECT_CANCELLATION: (frozenset({BookingStatus.CANCELLATION_REQUESTED}), PREVIOUS_STATUS),
    BookingAction.RESCHEDULE: (
        frozenset({BookingStatus.DEPOSIT_PENDING, BookingStatus.CONFIRMED}),
        SAME_STATUS,
    ),
    BookingAction.ASSIGN_CHEF: (frozenset(ACTIVE_BOOKING_STATUSES), SAME_STATUS),
    BookingAction.COMPLETE: (frozenset({BookingStatus.CONFIRMED}), BookingStatus.COMPLETED),
    BookingAction.MARK_NO_SHOW: (frozenset({BookingStatus.CONFIRMED}), BookingStatus.NO_SHOW),
    BookingAction.CHANGE_PARTY: (
        frozenset({BookingStatus.DEPOSIT_PENDING, BookingStatus.CONFIRMED}),
        SAME_STATUS,
    ),
}


def booking_action_allowed(status: str, action: str) -> bool:
    """Whether the transition table allows the action from the status."""
    sources, _target = BOOKING_TRANSITIONS[action]
    return status in sources


def new_manage_nonce() -> str:
    return secrets.token_urlsafe(16)


class Booking(UUIDModel):
    Status = BookingStatus

    class Source(models.TextChoices):
        WEBSITE = "website", "Website"
        PHONE = "phone", "Phone"
        CHAT = "chat", "AI assistant"
        STAFF = "staff", "Staff"
        REFERRAL = "referral", "Referral"
        EVENT = "event", "Event"

    ACTIVE_STATUSES = ACTIVE_BOOKING_STATUSES
    Action = BookingAction
    TRANSITIONS = BOOKING_TRANSITIONS

    reference = models.CharField(max_length=12, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.RESTRICT, related_name="bookings")
    chef = models.ForeignKey(
        "ops.Chef", on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    station = models.ForeignKey("identity.Station", on_delete=models.PROTECT, related_name="bookings")
    date = models.DateField()
    slot = models.TimeField()  # one of the station's slot times when booked (ops.policy)
    # The event address, encrypted at rest (the column holds ciphertext, never the text).
    address = encrypt(models.TextField())
    zone = models.CharField(max_length=5, help_text="The 5-digit ZIP code of the event.")
    # Plain integers: the named checks below (docs/business-rules.md) are the database's rules for them.
    party_adults = models.SmallIntegerField()
    party_kids = models.SmallIntegerField(default=0)
    party_toddlers = models.PositiveSmallIntegerField(default=0)
    items = models.JSONField(default=list, blank=True, help_text="Upgrades and add-ons: [{code, quantity}]")
    quote = models.JSONField(default=dict, blank=True, help_text="The itemized quote at booking time.")
    # The customer's choice of base proteins for the chef: {protein code: servings}. Every adult
    # and kid picks two; each upgrade replaces one. Set through booking_set_proteins only.
    protein_counts = models.JSONField(
        default=dict, blank=True, help_text="Base protein servings chosen by the customer: {code: count}."
    )
    deposit_due_cents = models.IntegerField()
    total_due_cents = models.IntegerField()
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DEPOSIT_PENDING)
    previous_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.WEBSITE)
    special_requests = models.TextField(blank=True)
    # The day-of contact given with this booking (docs/business-rules.md "Customers and
    # contact details"): used for this booking's messages only, never copied onto the customer,
    # whose stored details an unverified form must not change. Blank phone: the customer's.
    contact_first_name = models.CharField(max_length=100, blank=True)
    contact_last_name = models.CharField(max_length=100, blank=True)
    contact_phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +15105551234")
    contact_sms_consent = models.BooleanField(
        default=False, help_text="Texts about this booking may go to the day-of contact's phone."
    )
    contact_sms_consent_at = models.DateTimeField(null=True, blank=True)
    deposit_due_at = models.DateTimeField(null=True, blank=True)
    # A discount (negative) or surcharge (positive) finance staff added, with its reason; it is
    # in total_due_cents and shown as a line of the quote (core/services/bookings/adjustment.py).
    price_adjustment_cents = models.IntegerField(default=0)
    price_adjustment_reason = models.CharField(max_length=255, blank=True)
    payment_hold = models.BooleanField(
        default=False, help_text="Staff hold: do not cancel automatically while the deposit is unpaid."
    )
    flagged_for_staff = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=255, blank=True)
    cancellation_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    refund_due_cents = models.PositiveIntegerField(
        default=0, help_text="Owed back to the customer after a cancellation (refunds are paid by payments)."
    )
    # A client's Idempotency-Key, and a fingerprint of the request it came with: the same key
    # with the same request returns this booking, with another request it is refused.
    idempotency_key = models.CharField(max_length=255, blank=True, editable=False)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Part of the signed manage token: replacing it invalidates every link sent so far.
    manage_nonce = models.CharField(max_length=32, default=new_manage_nonce, editable=False)

    class Meta:
        db_table = 'core"."bookings'
        ordering = ["-date", "-slot"]
        indexes = [
            models.Index(fields=["station", "date"], name="ix_bookings_station_date"),
            models.Index(fields=["status", "date"], name="ix_bookings_status_date"),
            # The staff list's order and a chef's calendar, flat at 50,000 bookings (issue 15).
            models.Index(fields=["date", "slot", "id"], name="ix_bookings_date_slot_id"),
            models.Index(fields=["chef", "date"], name="ix_bookings_chef_date"),
            # A manager's customers (those with a booking at their stations, identity.scoping)
            # and the ids of their stations' bookings (payments, reviews and money joined to
            # them), read from the index alone.
            models.Index(fields=["station", "customer"], include=["id"], name="ix_bookings_station_customer"),
            # A customer's bookings without reading them (a search by the customer's name).
            models.Index(fields=["customer"], include=["id"], name="ix_bookings_customer_incl_id"),
            # The staff search box (identity/staff_panel/search.py).
            trigram_index("reference", "ix_bookings_reference_trgm"),
            trigram_index("zone", "ix_bookings_zone_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(party_adults__gt=0), name="check_party_adults_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(party_kids__gte=0), name="check_party_kids_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(deposit_due_cents__gte=0), name="check_deposit_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(total_due_cents__gte=models.F("deposit_due_cents")),
                name="check_total_gte_deposit",
            ),
            # Capacity is per chef: a chef holds at most one active booking per date and slot.
            models.UniqueConstraint(
                fields=["chef", "date", "slot"],
                condition=models.Q(status__in=ACTIVE_BOOKING_STATUSES, chef__isnull=False),
                name="ix_core_bookings_chef_slot_unique",
            ),
            # Kept under the ERD's name: one customer cannot hold two active bookings in the
            # same date and slot (a double-submitted form). See docs/business-rules.md.
            models.UniqueConstraint(
                fields=["customer", "date", "slot"],
                condition=models.Q(status__in=ACTIVE_BOOKING_STATUSES),
                name="idx_booking_date_slot_active",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="uq_bookings_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.date} {self.slot:%H:%M}"

    @property
    def guest_count(self) -> int:
        return self.party_adults + self.party_kids + self.party_toddlers


class Payment(UUIDModel):
    class Kind(models.TextChoices):
        DEPOSIT = "deposit", "Deposit"
        BALANCE = "balance", "Balance"
        REFUND = "refund", "Refund"

    class Method(models.TextChoices):
        STRIPE = "stripe", "Stripe"
        CASH = "cash", "Cash"
        ZELLE = "zelle", "Zelle"
        VENMO = "venmo", "Venmo"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        REFUNDED = "refunded", "Refunded"

    booking = models.ForeignKey(Booking, on_delete=models.RESTRICT, related_name="payments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    method = models.CharField(max_length=20, choices=Method.choices)
    amount_cents = models.PositiveIntegerField()
    # The part of amount_cents that is the customer's tip for the chef (paid with the balance):
    # its own line, paid to the chef, never counted towards the booking's total.
    tip_cents = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    stripe_payment_id = models.CharField(max_length=255, blank=True, db_index=True)
    refund_of = models.ForeignKey(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="refunds"
    )
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    succeeded_at = models.DateTimeField(null=True, blank=True)
    # The key sent with every Stripe call that creates something for this row (derived from
    # our own ids, e.g. "booking:<id>:deposit"): a retry after a timeout never charges twice.
    idempotency_key = models.CharField(max_length=255, blank=True, editable=False)
    failure_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = 'core"."payments'
        ordering = ["-created_at"]
        indexes = [
            # Money by week or day (the dashboard, the reports), read from the index alone.
            models.Index(
                fields=["succeeded_at"],
                include=["booking", "amount_cents", "kind", "status"],
                name="ix_payments_succeeded_at",
            ),
            # The staff list, newest first (Django adds the primary key to the order).
            models.Index(fields=["created_at", "id"], name="ix_payments_created_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="check_payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(tip_cents__lte=models.F("amount_cents")),
                name="check_payment_tip_within_amount",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="uq_payments_idempotency_key",
            ),
            # One row per PaymentIntent (deposit, balance) or Stripe refund (refund rows).
            models.UniqueConstraint(
                fields=["stripe_payment_id"],
                condition=~models.Q(stripe_payment_id=""),
                name="uq_payments_stripe_payment_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_cents / 100:.2f} ({self.status})"


class Receipt(UUIDModel):
    """The receipt of one succeeded payment or refund, numbered in the order they were issued.

    Numbers come from the PostgreSQL sequence core.receipt_numbers (gap-free enough for a
    receipt: a number is never reused, concurrent issues never collide).
    """

    payment = models.OneToOneField(Payment, on_delete=models.RESTRICT, related_name="receipt")
    number = models.PositiveBigIntegerField(unique=True, editable=False)

    class Meta:
        db_table = 'core"."receipts'
        ordering = ["-number"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"MH-R{self.number:06d}"


class MessageThread(UUIDModel):
    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "Email"
        WEB = "web", "Web"
        PHONE = "phone", "Phone"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        NEEDS_ATTENTION = "needs_attention", "Needs staff attention"
        CLOSED = "closed", "Closed"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="threads")
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="threads"
    )
    # The station whose conversation this is: it never changes, so a customer who books at
    # another station gets another thread there and each station keeps reading its own history.
    station = models.ForeignKey(
        "identity.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="message_threads"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    subject = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = 'core"."message_threads'
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.customer.full_name} · {self.get_channel_display()}"


class Message(UUIDModel):
    class Direction(models.TextChoices):
        INBOUND = "inbound", "Inbound"
        OUTBOUND = "outbound", "Outbound"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        RECEIVED = "received", "Received"

    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=20, choices=MessageThread.Channel.choices)
    direction = models.CharField(max_length=20, choices=Direction.choices)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    provider_id = models.CharField(max_length=128, blank=True)
    template = models.CharField(max_length=80, blank=True)

    class Meta:
        db_table = 'core"."messages'
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.channel}: {self.body[:40]}"


class Review(UUIDModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="review")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    content = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = 'core"."reviews'
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1) & models.Q(rating__lte=5), name="check_review_rating_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.customer.full_name}"


class StripeEvent(UUIDModel):
    """A Stripe webhook event, stored under its unique id so that it is processed exactly once."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored (type not handled, or not ours)"
        FAILED = "failed", "Failed (Stripe retries it)"

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    note = models.CharField(max_length=255, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = 'core"."stripe_events'
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id} ({self.status})"


class Notification(UUIDModel):
    """One message that must go out at most once: a reminder, a booking email, a staff alert.

    The unique constraint is what makes the scheduled sweeps exactly-once: a sweep claims a due
    booking (or lead) by inserting its row, and a second sweep, or a second worker, cannot
    insert it again. Customer messages are also stored in the customer's thread (`message`);
    staff alerts have no customer, so this row is their record.
    """

    class Kind(models.TextChoices):
        BOOKING_RECEIVED = "booking_received", "Booking received (deposit instructions)"
        DEPOSIT_REMINDER_2H = "deposit_reminder_2h", "Deposit reminder (2 h)"
        DEPOSIT_REMINDER_12H = "deposit_reminder_12h", "Deposit reminder (12 h)"
        BOOKING_CONFIRMED = "booking_confirmed", "Booking confirmed"
        BOOKING_RESCHEDULED = "booking_rescheduled", "Reschedule confirmed"
        BOOKING_CANCELLED = "booking_cancelled", "Booking cancelled"
        EVENT_REMINDER_48H = "event_reminder_48h", "Event reminder (48 h)"
        EVENT_REMINDER_24H = "event_reminder_24h", "Event reminder (24 h)"
        REVIEW_REQUEST = "review_request", "Review request"
        MANAGE_LINK = "manage_link", "Manage link sent again"
        SMS_OPT_OUT = "sms_opt_out", "SMS opt-out confirmation"
        SMS_OPT_IN = "sms_opt_in", "SMS opt-in confirmation"
        SMS_HELP = "sms_help", "SMS help reply"
        STAFF_NEW_BOOKING = "staff_new_booking", "Staff: new booking"
        STAFF_CANCELLATION_REQUEST = "staff_cancellation_request", "Staff: cancellation request"
        STAFF_UNASSIGNED_CHEF = "staff_unassigned_chef", "Staff: booking without a chef"
        STAFF_PAYMENT_FLAGGED = "staff_payment_flagged", "Staff: payment flagged"
        STAFF_LEAD_NOT_CONTACTED = "staff_lead_not_contacted", "Staff: lead not contacted"
        STAFF_QUOTE_NOT_BOOKED = "staff_quote_not_booked", "Staff: quote not booked"
        STAFF_ASSISTANT_ESCALATION = "staff_assistant_escalation", "Staff: assistant conversation escalated"
        ASSISTANT_REPLY = "assistant_reply", "Assistant or staff reply by SMS"
        CHEF_ASSIGNED = "chef_assigned", "Chef: party assigned"
        CHEF_UNASSIGNED = "chef_unassigned", "Chef: party taken off"
        CHEF_RESCHEDULED = "chef_rescheduled", "Chef: party moved"
        CHEF_CANCELLED = "chef_cancelled", "Chef: party cancelled"
        RECEIPT = "receipt", "Receipt (payment or refund)"
        STAFF_MESSAGE_WAITING = "staff_message_waiting", "Staff: a customer's message is waiting"
        STAFF_REPLY = "staff_reply", "Staff reply to a customer"
        MARKETING_EMAIL = "marketing_email", "Marketing email (campaign)"
        MARKETING_SMS = "marketing_sms", "Marketing SMS (campaign)"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=40, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # crm.Lead, by id only: crm depends on core, so core holds no foreign key into crm.
    lead_id = models.UUIDField(null=True, blank=True)
    # Tells apart the sends of one kind that may repeat: a reschedule, a daily staff alert.
    occurrence = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    recipient = models.TextField(blank=True, help_text="Email address(es) or E.164 phone it went to.")
    context = models.JSONField(default=dict, blank=True, help_text="What it says beyond the booking.")
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = 'core"."notifications'
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel", "booking", "customer", "lead_id", "occurrence"],
                name="uq_notification_once",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="ix_notifications_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.channel} ({self.status})"


def new_feed_nonce() -> str:
    return secrets.token_urlsafe(18)


class CalendarFeed(UUIDModel):
    """One private feed. Its URL is signed over (id, nonce): a new nonce revokes every old URL."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    # Exactly one of the two: a chef's own parties, or every party of a station.
    chef = models.ForeignKey("ops.Chef", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    station = models.ForeignKey(
        "identity.Station", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    nonce = models.CharField(max_length=32, default=new_feed_nonce, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = 'core"."calendar_feeds'
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(chef__isnull=False) & models.Q(station__isnull=True))
                | (models.Q(chef__isnull=True) & models.Q(station__isnull=False)),
                name="check_calendar_feed_one_scope",
            ),
            models.UniqueConstraint(
                fields=["owner", "chef", "station"], name="uq_calendar_feed_scope", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.chef or self.station}"
