"""The pricing catalogue, read once per process: policies, menu, add-ons, stations, travel rules.

Quotes and availability ask for these rows on every request, and they change a few times a
year. A process keeps them in memory, tagged with the shared version token
`kernel.versions.CATALOGUE`, and checks the token once per `catalogue()` call (one cache GET);
every write to those rows bumps it (`pricing/apps.py`: model signals for save and delete, the
models' QuerySets for bulk writes, and every migrate), so the next request in any process
reloads them (five queries). "In effect on a date" is resolved here in Python.

The rows handed out are shared by every request of the process: callers read them and never
change them. A station that leaves (to be put on a booking, say) is a copy.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from identity.models import Station
from kernel.versions import CATALOGUE, version_read
from pricing.models import AddonItem, MenuItem, PricingPolicy, TravelFeeConfig


@dataclass(frozen=True)
class TravelRules:
    free_miles: int
    price_per_mile_cents: int
    max_distance_miles: int


@dataclass(frozen=True)
class Catalogue:
    version: str | None
    loaded_at: float  # time.monotonic() of the load
    policies: tuple[PricingPolicy, ...]  # active, newest effective_from first
    addons: dict[str, AddonItem]  # active, by code
    stations: tuple[Station, ...]  # active, by name
    menu_items: tuple[MenuItem, ...] = ()  # active
    travel_configs: dict[UUID, tuple[TravelFeeConfig, ...]] = field(default_factory=dict)  # newest first

    def policy_on(self, on_date: date) -> PricingPolicy | None:
        """The active policy with the latest effective_from on or before the date, or None."""
        return next((policy for policy in self.policies if policy.effective_from <= on_date), None)

    def travel_rules(self, station: Station, on_date: date) -> TravelRules:
        """The station's travel rules, overridden by its newest configuration in effect on the date."""
        config = next(
            (c for c in self.travel_configs.get(station.pk, ()) if c.effective_from <= on_date), None
        )
        if config is None:
            return TravelRules(station.free_miles, station.price_per_mile_cents, station.max_distance_miles)
        return TravelRules(
            config.free_miles,
            config.price_per_mile_cents,
            # A configuration without a maximum keeps the station's (as the query it replaces did).
            config.max_distance_miles
            if config.max_distance_miles is not None
            else station.max_distance_miles,
        )

    def station_copy(self, station: Station) -> Station:
        """A copy of a catalogue station that the caller may keep, change or save."""
        return copy.copy(station)


_lock = threading.Lock()
_current: Catalogue | None = None
# Bounds how long a process keeps its copy even while the version says it is current: only a
# cache that is not shared between processes (local memory, without REDIS_URL) needs it, since
# there another process's bump never reaches this one.
MAX_AGE_SECONDS = 5 * 60


def _load(version: str | None) -> Catalogue:
    configs: dict[UUID, list[TravelFeeConfig]] = {}
    for config in TravelFeeConfig.objects.order_by("station_id", "-effective_from"):
        configs.setdefault(config.station_id, []).append(config)
    return Catalogue(
        version=version,
        loaded_at=time.monotonic(),
        policies=tuple(PricingPolicy.objects.filter(is_active=True).order_by("-effective_from")),
        addons={item.code: item for item in AddonItem.objects.filter(is_active=True)},
        stations=tuple(Station.objects.filter(is_active=True).order_by("name")),
        menu_items=tuple(MenuItem.objects.filter(is_active=True)),
        travel_configs={station_id: tuple(rows) for station_id, rows in configs.items()},
    )


def catalogue() -> Catalogue:
    """The catalogue as of now: the process's copy while the shared version is unchanged.

    One cache GET per call; five queries when another process (or this one) wrote since.
    Without a shared version (the cache is down) it is read from the database every time.
    """
    global _current
    version = version_read(CATALOGUE)
    kept = _current
    if (
        version is not None
        and kept is not None
        and kept.version == version
        and time.monotonic() - kept.loaded_at < MAX_AGE_SECONDS
    ):
        return kept
    loaded = _load(version)
    with _lock:
        _current = loaded
    return loaded


def catalogue_forget() -> None:
    """Drop this process's copy (tests; the shared version is what other processes follow)."""
    global _current
    with _lock:
        _current = None
