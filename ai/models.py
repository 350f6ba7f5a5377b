from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kernel.models import UUIDModel


class Conversation(UUIDModel):
    class Channel(models.TextChoices):
        WEB = "web", "Web"
        SMS = "sms", "SMS"
        INSTAGRAM = "instagram", "Instagram"
        FACEBOOK = "facebook", "Facebook"
        EMAIL = "email", "Email"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ESCALATED = "escalated", "Escalated"
        CLOSED = "closed", "Closed"

    class EscalationReason(models.TextChoices):
        HUMAN_REQUESTED = "human_requested", "Asked for a person"
        COMPLAINT = "complaint", "Complaint"
        REFUND = "refund", "Refund"
        DISCOUNT = "discount", "Discount request"
        LARGE_PARTY = "large_party", "Large party"
        CORPORATE = "corporate", "Corporate event"
        OUTSIDE_SERVICE_AREA = "outside_service_area", "Outside the service area"
        LOW_CONFIDENCE = "low_confidence", "Low confidence"

    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    customer = models.ForeignKey(
        "core.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    lead = models.ForeignKey(
        "crm.Lead", on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    station = models.ForeignKey(
        "identity.Station", on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    # An EscalationReason value when the assistant escalated (staff may have typed a sentence).
    escalation_reason = models.CharField(max_length=255, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    # What the assistant understood so far across the conversation (party, date, ZIP, contacts).
    facts = models.JSONField(default=dict, blank=True)
    # Staff answer themselves: the assistant stays silent until they hand the conversation back.
    taken_over_at = models.DateTimeField(null=True, blank=True)
    # The customer's phone for an SMS conversation (E.164): where staff replies go.
    phone = models.CharField(max_length=20, blank=True)

    class Meta:
        db_table = 'ai"."conversations'
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} conversation {str(self.id)[:8]}"


class Message(UUIDModel):
    class Role(models.TextChoices):
        USER = "user", "User"
        ASSISTANT = "assistant", "Assistant"
        STAFF = "staff", "Staff"
        SYSTEM = "system", "System"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=20, choices=Role.choices)
    content = models.TextField()
    confidence = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    # The assistant's tool calls and their results, the intent and the guard's verdict: what
    # every number of the reply was checked against.
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = 'ai"."messages'
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:40]}"


class Knowledge(UUIDModel):
    class Category(models.TextChoices):
        MENU = "menu", "Menu"
        PRICING = "pricing", "Pricing"
        POLICY = "policy", "Policy"
        SERVICE_AREA = "service_area", "Service area"
        FAQ = "faq", "FAQ"

    title = models.CharField(max_length=200, unique=True)
    body = models.TextField()
    category = models.CharField(max_length=20, choices=Category.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = 'ai"."knowledge'
        verbose_name_plural = "knowledge"
        ordering = ["category", "title"]
        indexes = [
            # The same expression as ai.engine.knowledge.SEARCH_VECTOR, so the search can use it.
            GinIndex(
                SearchVector("title", weight="A", config="english")
                + SearchVector("body", weight="B", config="english"),
                name="ix_knowledge_search",
            ),
        ]

    def __str__(self) -> str:
        return self.title
