from django.db import models

from kernel.db.trigram import trigram_index
from kernel.models import UUIDModel


class LeadContact(UUIDModel):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        INSTAGRAM = "instagram", "Instagram"
        FACEBOOK = "facebook", "Facebook"

    lead = models.ForeignKey("crm.Lead", on_delete=models.CASCADE, related_name="contacts")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    handle_or_address = models.CharField(max_length=254, help_text="Email lower-cased, phone in E.164.")
    verified = models.BooleanField(default=False)

    class Meta:
        db_table = 'lead"."lead_contacts'
        ordering = ["channel"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "channel", "handle_or_address"], name="uq_lead_contact")
        ]
        indexes = [
            models.Index(fields=["channel", "handle_or_address"], name="ix_lead_contacts_handle"),
            trigram_index("handle_or_address", "ix_lead_contacts_handle_trgm"),  # the staff search box
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.handle_or_address}"


class LeadContext(UUIDModel):
    """What the lead told us about the event they have in mind."""

    lead = models.OneToOneField("crm.Lead", on_delete=models.CASCADE, related_name="context")
    event_date = models.DateField(null=True, blank=True)
    party_adults = models.PositiveSmallIntegerField(null=True, blank=True)
    party_kids = models.PositiveSmallIntegerField(null=True, blank=True)
    budget_cents = models.PositiveIntegerField(null=True, blank=True)
    zip_code = models.CharField(max_length=5, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        db_table = 'lead"."lead_context'
        verbose_name_plural = "lead context"

    def __str__(self) -> str:
        return f"Context of {self.lead_id}"


class LeadEvent(UUIDModel):
    class Type(models.TextChoices):
        LEAD_CREATED = "lead_created", "Lead created"
        STATUS_CHANGED = "status_changed", "Status changed"
        SCORE_UPDATED = "score_updated", "Score updated"
        QUOTE_REQUESTED = "quote_requested", "Quote requested"
        CHECKED_AVAILABILITY = "checked_availability", "Checked availability"
        STARTED_BOOKING = "started_booking", "Started booking"
        COMPLETED_BOOKING = "completed_booking", "Completed booking"
        BOOKING_FAILED = "booking_failed", "Booking failed"
        CONTACTED = "contacted", "Contacted"
        # The person wrote to us (the website's inquiry form, or contact details given in a
        # chat). Not "contacted", which is staff reaching out (Lead.contacted_at).
        INQUIRY = "inquiry", "Inquiry received"

    lead = models.ForeignKey("crm.Lead", on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(max_length=30, choices=Type.choices)
    payload = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = 'lead"."lead_events'
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.event_type} at {self.occurred_at:%Y-%m-%d %H:%M}"


class SocialAccount(UUIDModel):
    """One of the business's own social pages."""

    class Platform(models.TextChoices):
        INSTAGRAM = "instagram", "Instagram"
        FACEBOOK = "facebook", "Facebook"
        GOOGLE = "google", "Google Business"
        YELP = "yelp", "Yelp"

    platform = models.CharField(max_length=20, choices=Platform.choices)
    account_id = models.CharField(max_length=128)
    handle = models.CharField(max_length=128, blank=True)
    station = models.ForeignKey(
        "identity.Station", on_delete=models.SET_NULL, null=True, blank=True, related_name="social_accounts"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = 'lead"."social_accounts'
        ordering = ["platform", "handle"]
        constraints = [models.UniqueConstraint(fields=["platform", "account_id"], name="uq_social_account")]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.handle or self.account_id}"


class SocialIdentity(UUIDModel):
    """A customer's or lead's handle on a social platform."""

    platform = models.CharField(max_length=20, choices=SocialAccount.Platform.choices)
    handle = models.CharField(max_length=128)
    customer = models.ForeignKey(
        "core.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="social_identities"
    )
    lead = models.ForeignKey(
        "crm.Lead", on_delete=models.SET_NULL, null=True, blank=True, related_name="social_identities"
    )

    class Meta:
        db_table = 'lead"."social_identities'
        verbose_name_plural = "social identities"
        ordering = ["platform", "handle"]
        constraints = [models.UniqueConstraint(fields=["platform", "handle"], name="uq_social_identity")]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} @{self.handle}"
