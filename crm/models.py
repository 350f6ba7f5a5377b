from django.conf import settings
from django.db import models

from kernel.db.trigram import trigram_index
from kernel.models import UUIDModel


class Lead(UUIDModel):
    class Source(models.TextChoices):
        WEB_QUOTE = "web_quote", "Web quote"
        WEBSITE = "website", "Website"
        CHAT = "chat", "Chat"
        INSTAGRAM = "instagram", "Instagram"
        FACEBOOK = "facebook", "Facebook"
        GOOGLE = "google", "Google"
        YELP = "yelp", "Yelp"
        SMS = "sms", "SMS"
        PHONE = "phone", "Phone"
        REFERRAL = "referral", "Referral"
        EVENT = "event", "Event"
        BOOKING_FAILED = "booking_failed", "Booking failed"

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        QUALIFIED = "qualified", "Qualified"
        NURTURING = "nurturing", "Nurturing"
        CONVERTED = "converted", "Converted"
        LOST = "lost", "Lost"

    class Quality(models.TextChoices):
        HOT = "hot", "Hot"
        WARM = "warm", "Warm"
        COLD = "cold", "Cold"

    source = models.CharField(max_length=20, choices=Source.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    quality = models.CharField(max_length=10, choices=Quality.choices, default=Quality.COLD)
    score = models.SmallIntegerField(default=0)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    customer = models.ForeignKey(
        "core.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="leads"
    )
    station = models.ForeignKey(
        "identity.Station", on_delete=models.SET_NULL, null=True, blank=True, related_name="leads"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="leads"
    )
    conversion_date = models.DateTimeField(null=True, blank=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        db_table = 'crm"."leads'
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="ix_leads_status_created"),
            # The staff list, newest first; a manager's customers (those with a lead at their
            # stations, identity.scoping); the search box (identity/staff_panel/search.py).
            models.Index(fields=["created_at", "id"], name="ix_leads_created_id"),
            models.Index(fields=["station", "customer"], name="ix_leads_station_customer"),
            trigram_index("first_name", "ix_leads_first_name_trgm"),
            trigram_index("last_name", "ix_leads_last_name_trgm"),
            trigram_index("notes", "ix_leads_notes_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=100), name="check_lead_score_range"
            )
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip() or "Unnamed lead"
        return f"{name} ({self.get_source_display()})"


class CustomerSegment(UUIDModel):
    class Match(models.TextChoices):
        ALL = "all", "All rules (AND)"
        ANY = "any", "Any rule (OR)"

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    match = models.CharField(max_length=3, choices=Match.choices, default=Match.ALL)

    class Meta:
        db_table = 'crm"."customer_segments'
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SegmentRule(UUIDModel):
    class Field(models.TextChoices):
        BOOKING_COUNT = "booking_count", "Booking count"
        TOTAL_SPEND_CENTS = "total_spend_cents", "Total spend (cents)"
        LAST_BOOKING_DATE = "last_booking_date", "Last party date"
        FIRST_BOOKING_DATE = "first_booking_date", "First party date"
        ZONE = "zone", "ZIP code of a booking"
        STATION = "station", "Station of a booking (code)"
        SMS_CONSENT = "sms_consent", "SMS consent"
        EMAIL_CONSENT = "email_consent", "Email consent"
        CREATED_AT = "created_at", "Customer since"
        HAS_UPCOMING_BOOKING = "has_upcoming_booking", "Has an upcoming booking"
        LEAD_SOURCE = "lead_source", "Source of a lead"

    class Operator(models.TextChoices):
        EQUALS = "equals", "equals"
        NOT_EQUALS = "not_equals", "does not equal"
        GREATER_THAN = "greater_than", "greater than"
        LESS_THAN = "less_than", "less than"
        CONTAINS = "contains", "contains"
        IN = "in", "is one of"
        NOT_IN = "not_in", "is none of"

    segment = models.ForeignKey(CustomerSegment, on_delete=models.CASCADE, related_name="rules")
    field = models.CharField(max_length=40, choices=Field.choices)
    operator = models.CharField(max_length=20, choices=Operator.choices)
    value = models.CharField(max_length=255, help_text="For in / not in: comma-separated values.")

    class Meta:
        db_table = 'crm"."segment_rules'
        ordering = ["segment", "created_at"]

    def __str__(self) -> str:
        return f"{self.field} {self.operator} {self.value}"


class Campaign(UUIDModel):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    name = models.CharField(max_length=150)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    segment = models.ForeignKey(CustomerSegment, on_delete=models.PROTECT, related_name="campaigns")
    subject = models.CharField(max_length=200, blank=True)
    content = models.TextField()
    scheduled_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = 'crm"."campaigns'
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class CampaignDelivery(UUIDModel):
    """One campaign's message to one customer: the exactly-once record, and what the caps count.

    Inserted when the campaign claims the customer (unique per campaign and customer), with
    the outcome of the checks made in that transaction: queued (a notification is claimed with
    it), or skipped with the first reason that applied. Delivery then moves queued to sent or
    failed. Created_at is the claim time, which the rolling caps count from.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED_UNSUBSCRIBED = "skipped_unsubscribed", "Skipped: unsubscribed"
        SKIPPED_CONSENT = "skipped_consent", "Skipped: no consent"
        SKIPPED_CAP = "skipped_cap", "Skipped: marketing cap reached"
        SKIPPED_NO_ADDRESS = "skipped_no_address", "Skipped: no phone number"
        SKIPPED_CANCELLED = "skipped_cancelled", "Skipped: campaign cancelled"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    customer = models.ForeignKey(
        "core.Customer", on_delete=models.CASCADE, related_name="campaign_deliveries"
    )
    channel = models.CharField(max_length=10, choices=Campaign.Channel.choices)
    status = models.CharField(max_length=30, choices=Status.choices)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=128, blank=True)
    notification = models.ForeignKey(
        "core.Notification", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.CharField(max_length=255, blank=True)
    # Set when the customer unsubscribed through this delivery's link.
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = 'crm"."campaign_deliveries'
        verbose_name_plural = "campaign deliveries"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"], name="uq_campaign_delivery_customer")
        ]
        indexes = [
            # The caps' count: a customer's marketing on a channel in the last days.
            models.Index(
                fields=["customer", "channel", "created_at"],
                condition=models.Q(status__in=["queued", "sent"]),
                name="ix_deliveries_cap_window",
            ),
            models.Index(fields=["campaign", "status"], name="ix_deliveries_campaign_status"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.customer}: {self.status}"
