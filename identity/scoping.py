"""Who may see what: the one station-scoping policy of the staff panel (and of anything else
that shows staff data).

A user's access comes from their roles (identity.UserRole), each held at one station, or at
every station when the row names no station. The role's permissions are the seeded
identity.role_permissions (mirrored from identity/catalog.py). From them:

- stations_for(user): None when the user sees every station (a Django superuser, a
  super_admin, or a role held with no station), else the stations of their roles.
- user_has_permission(user, code, station): `resource.action`, at that station if given.
- scope_queryset(user, queryset, station_path): the rows of the user's stations. A user whose
  only role is chef sees only what is theirs: their bookings (Booking.chef.user), their
  availability, their own chef row.

Everything is read in one query per user object (so once per request) and kept on it.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet

from identity import catalog
from identity.models import Station, User, UserRole

_CACHE_ATTR = "_identity_access"
# Customers have no station: a staff user sees the customers who have a booking or a lead at
# one of their stations. Paths to a customer's stations, for models that hang off a customer.
CUSTOMER_STATION_PATHS = ("bookings__station", "leads__station")
_ROLE_ORDER = {spec.name: index for index, spec in enumerate(catalog.ROLES)}

StationPath = str | tuple[str, ...] | None


@dataclass(frozen=True)
class Access:
    """What one user may do, where."""

    roles: frozenset[str] = frozenset()
    primary_role: str = ""
    every_station: bool = False
    station_ids: frozenset[uuid.UUID] = frozenset()
    # Permissions of the roles that apply at every station, and per station of the others.
    global_codes: frozenset[str] = frozenset()
    codes_by_station: dict[uuid.UUID, frozenset[str]] = field(default_factory=dict)
    # The highest tier of the roles that apply at every station, and per station of the others.
    global_tier: int = 0
    tier_by_station: dict[uuid.UUID, int] = field(default_factory=dict)

    def tier_at(self, station_id: uuid.UUID) -> int:
        return max(self.global_tier, self.tier_by_station.get(station_id, 0))

    @property
    def codes(self) -> frozenset[str]:
        """Every permission the user holds somewhere."""
        return self.global_codes.union(*self.codes_by_station.values())

    @property
    def chef_only(self) -> bool:
        return self.roles == {catalog.CHEF}

    def allows(self, code: str, station_id: uuid.UUID | None = None) -> bool:
        if code in self.global_codes:
            return True
        if station_id is None:
            return any(code in codes for codes in self.codes_by_station.values())
        return code in self.codes_by_station.get(station_id, frozenset())


SUPERUSER_ACCESS_CODES = frozenset(catalog.PERMISSIONS)


def access_for(user) -> Access:
    """The user's roles, stations and permissions; read once and kept on the user object."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    access = _load_access(user)
    with contextlib.suppress(AttributeError):  # an object that keeps nothing: read again next time
        setattr(user, _CACHE_ATTR, access)
    return access


def forget_access(user) -> None:
    """Drop the kept access (after changing the user's roles in the same request or test)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _load_access(user) -> Access:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Access()
    rows = UserRole.objects.filter(user_id=user.pk).values_list(
        "role__name", "role__tier", "station_id", "role__role_permissions__permission__code"
    )
    roles: dict[str, int] = {}
    global_codes: set[str] = set()
    by_station: dict[uuid.UUID, set[str]] = {}
    every_station = bool(user.is_superuser)
    global_tier = max(catalog.ROLE_TIERS.values()) if user.is_superuser else 0
    tier_by_station: dict[uuid.UUID, int] = {}
    for role_name, tier, station_id, code in rows:
        roles[role_name] = tier
        # super_admin covers every station, whatever station its row names.
        applies_everywhere = station_id is None or role_name == catalog.SUPER_ADMIN
        every_station = every_station or applies_everywhere
        if applies_everywhere:
            global_tier = max(global_tier, tier)
        else:
            tier_by_station[station_id] = max(tier_by_station.get(station_id, 0), tier)
        codes = global_codes if applies_everywhere else by_station.setdefault(station_id, set())
        if code is not None:
            codes.add(code)
    if user.is_superuser:
        global_codes |= SUPERUSER_ACCESS_CODES
    primary = min(roles, key=lambda name: (-roles[name], _ROLE_ORDER.get(name, len(_ROLE_ORDER))), default="")
    if not primary and user.is_superuser:
        primary = catalog.SUPER_ADMIN
    return Access(
        roles=frozenset(roles),
        primary_role=primary,
        every_station=every_station,
        station_ids=frozenset(by_station),
        global_codes=frozenset(global_codes),
        codes_by_station={station_id: frozenset(codes) for station_id, codes in by_station.items()},
        global_tier=global_tier,
        tier_by_station=tier_by_station,
    )


def sees_every_station(user) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True  # no query: a superuser sees everything
    return access_for(user).every_station


def station_ids_for(user) -> frozenset[uuid.UUID] | None:
    """The ids of the user's stations; None: every station."""
    if sees_every_station(user):
        return None
    return access_for(user).station_ids


def stations_for(user) -> QuerySet[Station] | None:
    """The stations the user works at; None: every station (super_admin or Django superuser)."""
    ids = station_ids_for(user)
    return None if ids is None else Station.objects.filter(pk__in=ids)


def user_role_names(user) -> set[str]:
    return set(access_for(user).roles)


def primary_role(user) -> str:
    """The user's highest-tier role ("super_admin" for a superuser without roles; "" if none)."""
    return access_for(user).primary_role


def user_has_permission(user, code: str, station=None) -> bool:
    """`resource.action` granted by the user's roles (at that station, if one is given)."""
    if user is None or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return code in SUPERUSER_ACCESS_CODES
    station_id = station.pk if isinstance(station, Station) else station
    return access_for(user).allows(code, station_id)


# --- managing other staff ----------------------------------------------------------------


def _held_roles(target) -> list[tuple[str, int, uuid.UUID | None]]:
    """(role name, tier, station id or None) of every role the target holds, active or not.

    Read from the rows themselves, not access_for(): a deactivated user has no access but still
    holds roles, and whoever reactivates them must be allowed to hand those back.
    """
    return [
        (user_role.role.name, user_role.role.tier, user_role.station_id)
        for user_role in target.user_roles.all()
    ]


def user_may_manage(actor, target) -> bool:
    """Whether `actor` may change, delete, set the password of, or grant roles to `target`.

    The one rule (docs/business-rules.md "Managing other staff"): every station the target
    holds is among the actor's, and at each of them the actor's tier is above the target's
    highest tier. A target who holds a role at every station (or super_admin, or is a Django
    superuser) is managed only by who holds a higher tier at every station. super_admin (and a
    Django superuser) may manage everyone.
    """
    if (
        actor is None
        or not getattr(actor, "is_active", False)
        or not getattr(actor, "is_authenticated", False)
    ):
        return False
    if actor.is_superuser:
        return True
    access = access_for(actor)
    if catalog.SUPER_ADMIN in access.roles:
        return True
    if target.is_superuser or (target.pk is not None and target.pk == actor.pk):
        return False
    held = _held_roles(target) if target.pk is not None else []
    target_tier = max((tier for _name, tier, _station in held), default=0)
    if any(station_id is None or name == catalog.SUPER_ADMIN for name, _tier, station_id in held):
        return access.global_tier > target_tier
    stations = {station_id for _name, _tier, station_id in held}
    if not stations:  # a user with no role yet: any user manager above the lowest tier
        return max([access.global_tier, *access.tier_by_station.values()]) > target_tier
    return all(access.tier_at(station_id) > target_tier for station_id in stations)


def users_within_stations(actor, queryset: QuerySet) -> QuerySet:
    """The users of `queryset` all of whose stations are among the actor's (the user list).

    A colleague who also works at a station the actor does not hold is not listed: their
    roles there are not the actor's to see, and they are not the actor's to manage.
    """
    if sees_every_station(actor):
        return queryset
    station_ids = access_for(actor).station_ids
    elsewhere = UserRole.objects.filter(
        Q(station__isnull=True) | Q(role__name=catalog.SUPER_ADMIN) | ~Q(station_id__in=station_ids)
    ).values("user_id")
    return queryset.exclude(pk__in=elsewhere)


def security_events_visible(actor, queryset: QuerySet) -> QuerySet:
    """The security events the actor may read: scoped like everything else.

    An event about an object at a station (SecurityEvent.station_id) goes to that station's
    staff; one about a user, to staff who may see that user (every station the user holds is
    theirs, users_within_stations); one about neither (an unknown email, a bad webhook, a
    throttled client) only to staff who see every station.
    """
    if sees_every_station(actor):
        return queryset
    station_ids = access_for(actor).station_ids
    return queryset.filter(
        Q(station_id__in=station_ids)
        | Q(station_id__isnull=True, user_id__in=_users_here(actor, station_ids).values("pk"))
    )


def access_attempts_visible(actor, queryset: QuerySet) -> QuerySet:
    """django-axes' login attempts and logs the actor may read: those of users they may see."""
    if sees_every_station(actor):
        return queryset
    emails = _users_here(actor, access_for(actor).station_ids).values("email")
    return queryset.filter(username__in=emails)


def _users_here(actor, station_ids) -> QuerySet:
    """The users with a role at the actor's stations and none elsewhere."""
    return users_within_stations(actor, User.objects.filter(user_roles__station_id__in=station_ids))


# --- querysets ------------------------------------------------------------------------


def station_paths(station_path: StationPath) -> tuple[str, ...]:
    if station_path is None:
        return ()
    return (station_path,) if isinstance(station_path, str) else tuple(station_path)


def customer_station_paths(prefix: str = "") -> tuple[str, ...]:
    """The station paths of a customer reached through `prefix` (e.g. "customer__")."""
    return tuple(f"{prefix}{path}" for path in CUSTOMER_STATION_PATHS)


def _walk(model: type[Model], parts: Iterable[str]) -> tuple[type[Model], bool]:
    """The model a path of relations leads to, and whether it passes a to-many relation."""
    many = False
    for part in parts:
        model_field = model._meta.get_field(part)
        if model_field.one_to_many or model_field.many_to_many:
            many = True
        model = model_field.related_model
    return model, many


def _split(path: str) -> tuple[list[str], str]:
    parts = path.split("__")
    return parts[:-1], parts[-1]


def _is_to_many(model: type[Model], path: str) -> bool:
    if path == "pk":
        return False
    relations, last = _split(path)
    target, many = _walk(model, relations)
    last_field = target._meta.get_field(last)
    return many or last_field.one_to_many or last_field.many_to_many


def _station_q(path: str, station_ids: frozenset[uuid.UUID]) -> Q:
    return Q(**{f"{path}__in": station_ids})


# The model of a chef, whose `user` is the staff user a chef logs in as. ops (above identity)
# registers its Chef model in OpsConfig.ready(); until then a chef role sees nothing of its own.
_chef_model: type[Model] | None = None


def register_chef_model(model: type[Model]) -> None:
    """Called by ops at startup: rows pointing at this model belong to the chef it names."""
    global _chef_model
    _chef_model = model


def _chef_q(model: type[Model], path: str, user) -> Q | None:
    """The rows of a path that belong to the chef logged in as `user` (None: nothing of theirs)."""
    Chef = _chef_model
    if path == "pk" or Chef is None:
        return None
    relations, _last = _split(path)
    target, _many = _walk(model, relations)
    prefix = "".join(f"{part}__" for part in relations)
    if target is Chef:
        return Q(**{f"{prefix}user": user})
    chef_field = next(
        (f for f in target._meta.concrete_fields if f.is_relation and f.related_model is Chef), None
    )
    if chef_field is not None:
        return Q(**{f"{prefix}{chef_field.name}__user": user})
    return None


def scope_q(user, model: type[Model], station_path: StationPath) -> Q | None:
    """The condition on `model` rows the user may see; None: no condition (every row).

    Each path is a condition of its own, ORed: a path through a to-many relation (a
    customer's "bookings__station") is a semi-join subquery of its own, so that the condition
    never ORs across two LEFT JOINs (which multiplies the rows and defeats every index: at
    50,000 bookings and 20,000 leads a manager's customer list took 300 ms) and no row is
    matched twice.
    """
    paths = station_paths(station_path)
    if not paths or sees_every_station(user):
        return None
    access = access_for(user)
    condition = Q(pk__in=[])  # nothing, unless a path grants something
    for path in paths:
        if access.chef_only:
            granted = _chef_q(model, path, user)
        elif access.station_ids:
            granted = _station_q(path, access.station_ids)
        else:
            granted = None
        if granted is None:
            continue
        if _is_to_many(model, path):
            granted = _semi_join(model, path, granted, access.station_ids if not access.chef_only else None)
        condition |= granted
    return condition


def _semi_join(model: type[Model], path: str, granted: Q, station_ids) -> Q:
    """`granted` (on a to-many path) as `pk IN (subquery)`, the subquery on the related table.

    A station path whose first hop is a reverse foreign key (a customer's "bookings__station")
    reads the related table alone: `id IN (SELECT customer_id FROM bookings WHERE station_id
    IN ...)`, an index scan, instead of joining the listed table to itself.
    """
    first, _, rest = path.partition("__")
    relation = model._meta.get_field(first)
    if station_ids is not None and rest and relation.one_to_many and not relation.many_to_many:
        related = relation.related_model._base_manager.filter(**{f"{rest}__in": station_ids})
        return Q(pk__in=related.values(relation.field.attname))
    return Q(pk__in=model._base_manager.filter(granted).values("pk"))


def scope_queryset(user, queryset: QuerySet, station_path: StationPath) -> QuerySet:
    """The rows of `queryset` the user may see, by the station reached through `station_path`.

    `station_path` names the station of a row: "station", "booking__station",
    "chef__station", "station_id" (a plain uuid column), "pk" (the Station model itself), or a
    tuple of such paths (a row is visible through any of them; a path through a to-many
    relation, e.g. a customer's "bookings__station", is matched in a subquery so that no row
    is listed twice). None: the rows have no station; the queryset is returned as is.
    """
    condition = scope_q(user, queryset.model, station_path)
    return queryset if condition is None else queryset.filter(condition)


def station_ids_of(obj: Model, station_path: StationPath) -> tuple[set[uuid.UUID], bool]:
    """The stations an object belongs to by its to-one paths, and whether that is all of them.

    The second value is False when a path goes through a to-many relation (a customer's
    bookings): those stations are not read here (the object has no station of its own).
    """
    found: set[uuid.UUID] = set()
    complete = True
    for path in station_paths(station_path):
        if path == "pk":
            found.add(obj.pk)
            continue
        if _is_to_many(type(obj), path):
            complete = False
            continue
        relations, last = _split(path)
        current = obj
        for part in relations:
            current = getattr(current, part, None)
            if current is None:
                break
        if current is None:
            continue
        value = getattr(current, current._meta.get_field(last).attname, None)
        if value is not None:
            found.add(value)
    return found, complete


# Paths tried, in order, to find the station of an object the backend is asked about
# (`user.has_perm("booking.cancel", booking)`); the admins name theirs explicitly.
DEFAULT_OBJECT_STATION_PATHS = (
    "station",
    "booking__station",
    "chef__station",
    "lead__station",
    "conversation__station",
)


def station_id_of(obj: Model) -> uuid.UUID | None:
    """The station of an object, by the first of DEFAULT_OBJECT_STATION_PATHS it has."""
    if isinstance(obj, Station):
        return obj.pk
    names = {f.name for f in type(obj)._meta.get_fields()}
    for path in DEFAULT_OBJECT_STATION_PATHS:
        if path.split("__")[0] in names:
            ids, _complete = station_ids_of(obj, path)
            return next(iter(ids), None)
    return None


def scope_queryset_for_permission(user, queryset: QuerySet, station_path: str, code: str) -> QuerySet | None:
    """The rows of the stations where the user holds `code` (a chef: their own); None: nowhere.

    A user may hold different roles at different stations (a manager here, support there): a
    report of money reads only the stations whose role grants it.
    """
    if not user_has_permission(user, code):
        return None
    queryset = scope_queryset(user, queryset, station_path)
    access = access_for(user)
    if user.is_superuser or code in access.global_codes:
        return queryset
    granting = {station_id for station_id, codes in access.codes_by_station.items() if code in codes}
    if granting == access.station_ids:
        return queryset  # scoped to those stations already
    return queryset.filter(**{f"{station_path}__in": granting})
