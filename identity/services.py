"""Writes about staff accounts: an operator creates a staff user with roles at stations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.actor import Actor
from audit.services import audit_log_write
from identity import catalog
from identity.models import Role, Station, User, UserRole
from kernel.contact import normalize_email
from kernel.errors import ServiceError


@dataclass(frozen=True)
class StaffAccount:
    user: User
    created: bool
    roles_granted: tuple[str, ...]  # "station_manager @ CA-FREMONT-001", for the operator


@transaction.atomic
def staff_user_create(*, email: str, role: str, station_codes: Sequence[str], actor: Actor) -> StaffAccount:
    """The staff user with this email (created without a usable password) holding `role` at each
    station (super_admin: every station). Running it again grants what is missing, nothing twice."""
    email = normalize_email(email)
    if "@" not in email:
        raise ServiceError("Enter the staff member's email address.", field="email")
    if role not in catalog.ROLE_TIERS:
        raise ServiceError(f"Unknown role {role!r}; one of {', '.join(catalog.ROLE_TIERS)}.", field="role")
    role_row = Role.objects.filter(name=role).first()
    if role_row is None:
        raise ServiceError("The roles are not loaded yet: run `manage.py seed` first.", field="role")
    codes = list(dict.fromkeys(code.strip() for code in station_codes if code.strip()))
    stations = {station.code: station for station in Station.objects.filter(code__in=codes)}
    if missing := [code for code in codes if code not in stations]:
        raise ServiceError(f"No station with code {', '.join(missing)}.", field="station")
    if role != catalog.SUPER_ADMIN and not stations:
        raise ServiceError("Give at least one --station for this role.", field="station")

    user = User.objects.select_for_update().filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, password=None, is_staff=True)
    # super_admin covers every station: held once, with no station.
    targets = [None] if role == catalog.SUPER_ADMIN else [stations[code] for code in codes]
    granted = []
    for station in targets:
        _, made = UserRole.objects.get_or_create(user=user, role=role_row, station=station)
        if made:
            granted.append(f"{role} @ {station.code if station else 'every station'}")
    audit_log_write(
        actor=actor,
        action="user.create" if created else "user.grant_roles",
        instance=user,
        station_id=targets[0].pk if targets and targets[0] is not None else None,
        after={"email": user.email, "roles": granted},
        reason="manage.py create_staff",
    )
    return StaffAccount(user=user, created=created, roles_granted=tuple(granted))


def set_password_path(user: User) -> str:
    """The path of a one-time link to set the password: it stops working once a password is set
    (the token is bound to the password hash and last login), or after PASSWORD_RESET_TIMEOUT."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("staff-set-password", args=[uid, default_token_generator.make_token(user)])
