"""How far an event is from our stations, and which station serves it.

The default provider works offline: the `zipcodes` package's bundled table gives a ZIP
code's centroid, and the great-circle distance times the policy's road factor stands in for
the driving distance. A provider that calls a routing API can replace it through
settings.DISTANCE_PROVIDER (a dotted path to a class built without arguments).
"""

import dataclasses
import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Protocol

import zipcodes
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from identity.models import Station
from kernel.error_codes import PricingErrors
from kernel.errors import ServiceError
from pricing.catalogue import Catalogue, catalogue
from pricing.selectors import pricing_policy_in_effect

DEFAULT_ROAD_FACTOR = Decimal("1.25")
EARTH_RADIUS_MILES = 3958.8
MILES_PRECISION = Decimal("0.1")
_ZIP_RE = re.compile(r"[0-9]{5}")


class InvalidZipCode(ServiceError):
    default_code = PricingErrors.INVALID_ZIP

    def __init__(self, message: str = "Enter a 5-digit US ZIP code.", **kwargs):
        kwargs.setdefault("field", "zip_code")
        super().__init__(message, **kwargs)


class UnknownZipCode(ServiceError):
    default_code = PricingErrors.UNKNOWN_ZIP

    def __init__(self, zip_code: str, **kwargs):
        kwargs.setdefault("field", "zip_code")
        super().__init__(f"We could not find the ZIP code {zip_code}. Please check it.", **kwargs)


class OutsideServiceArea(ServiceError):
    default_code = PricingErrors.OUTSIDE_SERVICE_AREA

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("field", "zip_code")
        super().__init__(message, **kwargs)


class DistanceProvider(Protocol):
    def miles_between_zip_and_point(self, zip_code: str, latitude: Decimal, longitude: Decimal) -> Decimal:
        """Road miles from the ZIP code to the point; raises UnknownZipCode for a ZIP it cannot place."""
        ...


def great_circle_miles(
    latitude_a: Decimal | float,
    longitude_a: Decimal | float,
    latitude_b: Decimal | float,
    longitude_b: Decimal | float,
) -> float:
    """The haversine distance in miles between two points given in degrees."""
    phi_a, phi_b = math.radians(float(latitude_a)), math.radians(float(latitude_b))
    delta_phi = phi_b - phi_a
    delta_lambda = math.radians(float(longitude_b) - float(longitude_a))
    h = math.sin(delta_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(delta_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


@lru_cache(maxsize=4096)
def zip_centroid(zip_code: str) -> tuple[Decimal, Decimal] | None:
    """The (latitude, longitude) of a 5-digit ZIP code's centroid from the bundled table, or None."""
    for row in zipcodes.matching(zip_code):
        if row.get("lat") and row.get("long"):
            return Decimal(row["lat"]), Decimal(row["long"])
    return None


class ZipCentroidDistanceProvider:
    """Offline: ZIP centroid, great-circle distance times the road factor, rounded to 0.1 mile.

    Without a road factor, it uses the factor of the pricing policy in effect on `on_date`
    (today), looked up once, or 1.25 when no policy is in effect.
    """

    def __init__(self, *, road_factor: Decimal | None = None, on_date: date | None = None):
        self._road_factor = road_factor
        self._on_date = on_date

    @property
    def road_factor(self) -> Decimal:
        if self._road_factor is None:
            policy = pricing_policy_in_effect(self._on_date)
            self._road_factor = policy.road_factor if policy else DEFAULT_ROAD_FACTOR
        return self._road_factor

    def miles_between_zip_and_point(self, zip_code: str, latitude: Decimal, longitude: Decimal) -> Decimal:
        miles = _road_miles(zip_code, latitude, longitude, self.road_factor)
        if miles is None:
            raise UnknownZipCode(zip_code)
        return miles


@lru_cache(maxsize=8192)
def _road_miles(zip_code: str, latitude: Decimal, longitude: Decimal, road_factor: Decimal) -> Decimal | None:
    """Road miles from a ZIP code's centroid to a point (None: a ZIP we cannot place); a pure
    function of its arguments, so remembered: a quote measures every station on every request."""
    centroid = zip_centroid(zip_code)
    if centroid is None:
        return None
    miles = Decimal(repr(great_circle_miles(*centroid, latitude, longitude))) * road_factor
    return miles.quantize(MILES_PRECISION, rounding=ROUND_HALF_UP)


def get_distance_provider(
    *, road_factor: Decimal | None = None, on_date: date | None = None
) -> DistanceProvider:
    """The configured provider (settings.DISTANCE_PROVIDER), else the offline ZIP centroid one.

    `road_factor` and `on_date` only shape the default provider: a routing API measures roads.
    """
    path = getattr(settings, "DISTANCE_PROVIDER", "")
    if path:
        return import_string(path)()
    return ZipCentroidDistanceProvider(road_factor=road_factor, on_date=on_date)


@dataclass(frozen=True)
class ServingStation:
    station: Station
    distance_miles: Decimal
    free_miles: int
    price_per_mile_cents: int
    max_distance_miles: int


def normalize_zip(zip_code: str) -> str:
    """A 5-digit ZIP code with surrounding spaces removed; raises InvalidZipCode otherwise."""
    zip_code = (zip_code or "").strip() if isinstance(zip_code, str) else ""
    if not _ZIP_RE.fullmatch(zip_code):
        raise InvalidZipCode()
    return zip_code


def serving_station_for_zip(
    zip_code: str,
    *,
    on_date: date | None = None,
    road_factor: Decimal | None = None,
    provider: DistanceProvider | None = None,
    rows: Catalogue | None = None,
) -> ServingStation:
    """The nearest active station whose maximum distance covers the ZIP code, with its travel rules.

    Travel rules are the station's, overridden by its TravelFeeConfig in effect on the date
    (today). Raises InvalidZipCode, UnknownZipCode or OutsideServiceArea (field "zip_code").
    From the process's catalogue (`rows`, else read now): no query while it is current. The
    station returned is a copy the caller may keep.
    """
    zip_code = normalize_zip(zip_code)
    on_date = on_date or timezone.localdate()
    rows = rows or catalogue()
    if provider is None:
        if road_factor is None:
            policy = rows.policy_on(on_date)
            road_factor = policy.road_factor if policy else DEFAULT_ROAD_FACTOR
        provider = get_distance_provider(road_factor=road_factor, on_date=on_date)

    candidates = []
    for station in rows.stations:
        travel = rows.travel_rules(station, on_date)
        candidates.append(
            ServingStation(
                station=station,
                distance_miles=provider.miles_between_zip_and_point(
                    zip_code, station.latitude, station.longitude
                ),
                free_miles=travel.free_miles,
                price_per_mile_cents=travel.price_per_mile_cents,
                max_distance_miles=travel.max_distance_miles,
            )
        )
    if not candidates:
        raise OutsideServiceArea(f"{zip_code} is outside our service area.")

    # Ties go to the station code, so that the same ZIP always lands at the same station.
    covering = [c for c in candidates if c.distance_miles <= c.max_distance_miles]
    if covering:
        best = min(covering, key=lambda c: (c.distance_miles, c.station.code))
        return dataclasses.replace(best, station=rows.station_copy(best.station))
    nearest = min(candidates, key=lambda c: (c.distance_miles, c.station.code))
    raise OutsideServiceArea(
        f"{zip_code} is outside our service area ({nearest.distance_miles} miles from our nearest "
        f"station; we travel up to {nearest.max_distance_miles})."
    )
