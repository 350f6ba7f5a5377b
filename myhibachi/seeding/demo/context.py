"""What the parts of the demo share: the run's clock and report, and the rows made so far."""

import datetime
from dataclasses import dataclass, field

from core.models import Booking, Customer
from crm.models import Lead
from identity.models import Station, User
from myhibachi.seeding.reference import FREMONT_CODE, Reference
from myhibachi.seeding.rows import SeedReport
from ops.models import Chef

FREMONT = FREMONT_CODE
SACRAMENTO = "CA-SACRAMENTO-001"


@dataclass
class DemoContext:
    report: SeedReport
    reference: Reference
    # Demo dates and times are relative to the first run; a later run finds its rows by key
    # and leaves them as they are.
    now: datetime.datetime
    today: datetime.date
    stations: dict[str, Station] = field(default_factory=dict)  # by code
    users: dict[str, User] = field(default_factory=dict)  # by email
    chefs: dict[str, Chef] = field(default_factory=dict)  # by email
    customers: dict[str, Customer] = field(default_factory=dict)  # by email
    bookings: dict[str, Booking] = field(default_factory=dict)  # by reference
    leads: dict[str, Lead] = field(default_factory=dict)  # by demo key

    def days_from_today(self, days: int) -> datetime.date:
        return self.today + datetime.timedelta(days=days)

    def days_ago(self, days: int) -> datetime.datetime:
        return self.now - datetime.timedelta(days=days)
