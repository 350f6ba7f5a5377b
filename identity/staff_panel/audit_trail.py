"""The staff panel's audit trail and refusals: who acted (admin_actor), what changed, what was denied.

Every admin write (StationScopedAdmin, the actions) records its audit row through
audit_admin_write in the write's own transaction; a refusal is flagged on the request and
recorded as a security event by identity.middleware once the response is out.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from audit.actor import Actor
from audit.models import SecurityEvent
from audit.services import audit_log_write, security_event_record, snapshot
from identity.scoping import primary_role
from kernel.client_ip import client_ip

REDACTED = "[redacted]"
# Never copied into the audit trail, whatever the model.
SECRET_FIELDS = frozenset({"password"})
# Not worth a line in a change's before/after.
NOISE_FIELDS = frozenset({"updated_at"})


def admin_actor(request) -> Actor:
    """The staff user of an admin request, with their primary role, IP and user agent."""
    return Actor.from_request(request, role=primary_role(request.user))


def audit_snapshot(instance: models.Model) -> dict[str, Any]:
    """snapshot() without secrets: encrypted fields are already a placeholder; passwords too."""
    values = snapshot(instance)
    for name in SECRET_FIELDS & values.keys():
        values[name] = REDACTED
    return values


def _raw_values(instance: models.Model) -> dict[str, Any]:
    return {f.name: f.value_from_object(instance) for f in instance._meta.concrete_fields}


def audit_diff(before: models.Model, after: models.Model) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changed fields, before and after. A changed encrypted field or password is named,
    with a placeholder for its values."""
    before_raw, after_raw = _raw_values(before), _raw_values(after)
    before_safe, after_safe = audit_snapshot(before), audit_snapshot(after)
    changed = [
        name for name in after_raw if name not in NOISE_FIELDS and before_raw.get(name) != after_raw[name]
    ]
    return (
        {name: before_safe.get(name) for name in changed},
        {name: after_safe.get(name) for name in changed},
    )


def audit_admin_write(
    request,
    *,
    action: str,
    instance: models.Model,
    station_id: uuid.UUID | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
):
    """One audit row for a write made through the admin (call it inside the write's transaction)."""
    return audit_log_write(
        actor=admin_actor(request),
        action=action,
        instance=instance,
        station_id=station_id,
        before=before,
        after=after,
        reason=reason,
    )


DENIED_ATTR = "_permission_denied_details"


def flag_permission_denied(request, **details) -> None:
    """Mark the request as refused; identity.middleware records the security event once the
    response is out, outside the admin's transaction (which a refusal rolls back)."""
    setattr(request, DENIED_ATTR, details)


def record_permission_denied(request, **details) -> None:
    user = request.user if request.user.is_authenticated else None
    security_event_record(
        type=SecurityEvent.Type.PERMISSION_DENIED,
        severity=SecurityEvent.Severity.MEDIUM,
        user=user,
        ip_address=client_ip(request),
        details={"path": request.path, "method": request.method, **details},
    )
