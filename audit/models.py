"""The audit trail and security events. No foreign keys: the log outlives what it names."""

import uuid

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Upper


def search_document() -> Upper:
    """What the staff panel's search box reads of an audit row, upper-cased, in one expression.

    One trigram index (Meta.indexes) on it answers a search of every field at once: five
    separate ones would slow every audited write, the log being the busiest table.
    """
    parts = []
    for name in ("action", "resource_type", "resource_id", "actor_label", "reason"):
        parts += [name, Value(" ")]
    return Upper(Concat(*parts[:-1], output_field=models.TextField()))


class AuditLog(models.Model):
    class ActorType(models.TextChoices):
        USER = "user", "Staff user"
        SYSTEM = "system", "System"
        CUSTOMER = "customer", "Customer"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_type = models.CharField(max_length=20, choices=ActorType.choices)
    actor_id = models.UUIDField(null=True, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    resource_type = models.CharField(max_length=80)
    resource_id = models.CharField(max_length=64, blank=True)
    station_id = models.UUIDField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        db_table = 'audit"."audit_logs'
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["resource_type", "resource_id"], name="ix_audit_resource"),
            # The staff list, newest first (Django adds the primary key to the order), its
            # search box, and a search by IP address (identity/audit_admin.py).
            models.Index(fields=["created_at", "id"], name="ix_audit_created_id"),
            GinIndex(OpClass(search_document(), name="gin_trgm_ops"), name="ix_audit_search_trgm"),
            models.Index(fields=["ip_address"], name="ix_audit_ip_address"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.resource_type}:{self.resource_id}"


class SecurityEvent(models.Model):
    class Type(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", "Login succeeded"
        LOGIN_FAILED = "login_failed", "Login failed"
        ACCOUNT_LOCKED = "account_locked", "Account locked"
        PERMISSION_DENIED = "permission_denied", "Permission denied"
        WEBHOOK_SIGNATURE_INVALID = "webhook_signature_invalid", "Webhook signature invalid"
        RATE_LIMITED = "rate_limited", "Rate limited"
        TOKEN_INVALID = "token_invalid", "Token invalid"
        PAYMENT_DISPUTED = "payment_disputed", "Payment disputed"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    type = models.CharField(max_length=40, choices=Type.choices, db_index=True)
    severity = models.CharField(max_length=20, choices=Severity.choices, default=Severity.LOW)
    user_id = models.UUIDField(null=True, blank=True)
    user_label = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The station of what the event is about (a disputed booking's), for station scoping;
    # an event about a user is scoped by the user's stations instead, and one about neither is
    # for staff who see every station (identity.scoping.security_events_visible).
    station_id = models.UUIDField(null=True, blank=True, db_index=True)
    details = models.JSONField(default=dict, blank=True)
    # How many times it happened: a repeated event (a client throttled again and again) is one
    # row per client and window, counted, not a row per request.
    count = models.PositiveIntegerField(default=1)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = 'audit"."security_events'
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.type} ({self.severity})"
