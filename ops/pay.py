"""What a chef is paid for the parties they cooked: a rate per pay tier (ops.models.PayRate).

DOMAIN.md says only that the pay tier drives the payouts: the amounts are a business setting,
edited in the admin (audited) and seeded with the defaults below. Money is integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Rate(Protocol):
    """A PayRate row, or a TierRate read alongside other rows."""

    per_party_cents: int
    per_guest_cents: int


@dataclass(frozen=True)
class TierRate:
    per_party_cents: int
    per_guest_cents: int


# Demo defaults, per tier: (per completed party, per guest served), in cents. A chef at the
# standard tier earns $100 for a party of 12 plus 12 x $4 = $148.
DEFAULT_PAY_RATES: dict[str, tuple[int, int]] = {
    "trainee": (8_000, 300),
    "standard": (10_000, 400),
    "senior": (12_000, 500),
    "lead": (15_000, 600),
}


def chef_pay_cents(*, parties: int, guests: int, rate: Rate | None) -> int:
    """The pay for `parties` completed parties that served `guests` guests (every guest the chef
    cooked for, toddlers included: they eat too) at the tier's rate; 0 when the tier has none."""
    if rate is None:
        return 0
    return parties * rate.per_party_cents + guests * rate.per_guest_cents
