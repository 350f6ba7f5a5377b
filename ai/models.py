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
    escalation_reason = models.CharField(max_length=255, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)

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

    def __str__(self) -> str:
        return self.title
