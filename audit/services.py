"""Writing the audit trail and security events. Everyone calls these; they call no one."""

import contextlib
import datetime
import decimal
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone

from audit.actor import Actor
from audit.models import AuditLog, SecurityEvent
from kernel.text import storable_text

ENCRYPTED_PLACEHOLDER = "[encrypted]"


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a row for before/after values; never an encrypted plaintext."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if type(field).__name__.startswith("Encrypted"):
            values[field.name] = ENCRYPTED_PLACEHOLDER
            continue
        values[field.name] = _json_safe(field.value_from_object(instance))
    return values


def _json_safe(value: Any) -> Any:
    if isinstance(value, str):
        # jsonb takes no NUL (nor a lone surrogate): a value taken from a request (a token's
        # prefix, a header) is still recorded, with U+FFFD in its place, not a failed write.
        return storable_text(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {_json_safe(key): _json_safe(item) for key, item in value.items()}
    return value


def audit_log_write(
    *,
    actor: Actor,
    action: str,
    instance: models.Model | None = None,
    resource_type: str = "",
    resource_id: str = "",
    station_id: uuid.UUID | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditLog:
    """Append one audit row; call it inside the transaction of the change it records.

    Inside `audit_batch()` the row is inserted with the batch's others when the block ends.
    """
    if instance is not None:
        resource_type = resource_type or instance._meta.label_lower
        resource_id = resource_id or str(instance.pk)
    row = AuditLog(
        actor_type=actor.type,
        actor_id=actor.id,
        actor_label=actor.label,
        role=actor.role,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        station_id=station_id,
        ip_address=actor.ip_address,
        user_agent=actor.user_agent,
        before=_json_safe(before) if before is not None else None,
        after=_json_safe(after) if after is not None else None,
        reason=reason,
    )
    batch = _batch.get()
    if batch is None:
        row.save(force_insert=True)
    else:
        # created_at is stamped row by row as the batch is inserted: their order is kept.
        batch.append(row)
    return row


# The audit rows of the innermost open audit_batch() of this thread (or task), or None.
_batch: ContextVar[list[AuditLog] | None] = ContextVar("audit_batch", default=None)


@contextlib.contextmanager
def audit_batch() -> Iterator[None]:
    """Insert the audit rows written inside the block in one statement when it ends.

    For a service that writes several rows in one transaction (a booking: its customer, the
    booking, a converted lead): open it inside that transaction, so the rows commit or roll
    back with the change. A block that raises inserts nothing: its transaction is rolled back.
    Nested blocks join the outermost one.
    """
    if _batch.get() is not None:
        yield
        return
    rows: list[AuditLog] = []
    token = _batch.set(rows)
    try:
        yield
    finally:
        _batch.reset(token)
    if rows:
        AuditLog.objects.bulk_create(rows)


def security_event_record(
    *,
    type: str,
    severity: str = SecurityEvent.Severity.LOW,
    user=None,
    ip_address: str | None = None,
    details: dict[str, Any] | None = None,
    station_id: uuid.UUID | None = None,
) -> SecurityEvent:
    """Record a security event (login failures, invalid tokens, throttling, ...).

    station_id: the station of the object the event is about, if any (it scopes who reads it).
    """
    return SecurityEvent.objects.create(
        type=type,
        severity=severity,
        user_id=getattr(user, "pk", None),
        user_label=getattr(user, "email", "") or "",
        ip_address=ip_address,
        station_id=station_id,
        details=_json_safe(details or {}),
    )


def security_event_record_repeated(
    *,
    type: str,
    severity: str = SecurityEvent.Severity.LOW,
    ip_address: str | None,
    details: dict[str, Any],
    window: datetime.timedelta,
) -> SecurityEvent:
    """Record an event that repeats (a client throttled): one row per type, client and details
    per window, whose count and last_seen_at grow with each repeat inside the window."""
    now = timezone.now()
    details = _json_safe(details)
    same = SecurityEvent.objects.filter(
        type=type, ip_address=ip_address, details__contains=details, created_at__gte=now - window
    ).order_by("-created_at")
    event = same.first()
    if event is not None:
        SecurityEvent.objects.filter(pk=event.pk).update(count=F("count") + 1, last_seen_at=now)
        event.refresh_from_db(fields=["count", "last_seen_at"])
        return event
    return SecurityEvent.objects.create(
        type=type, severity=severity, ip_address=ip_address, details=details, last_seen_at=now
    )
