"""Money is integer cents. Rounding lives here and nowhere else.

In the kernel, not in pricing: every app shows amounts, identity (below pricing) included.
"""

from decimal import ROUND_HALF_UP, Decimal


def round_cents(amount: Decimal) -> int:
    """A (fractional) number of cents rounded half-up to a whole cent."""
    return int(amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def dollars_to_cents(dollars: Decimal) -> int:
    """Decimal('12.34') -> 1234: an amount staff typed in dollars, rounded half-up to the cent."""
    return round_cents(Decimal(dollars) * 100)


def format_cents(cents: int | None) -> str:
    """12345 -> '$123.45'; negative amounts as '-$1.00'."""
    if cents is None:
        return "—"
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"
