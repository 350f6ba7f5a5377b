from decimal import Decimal


class FixedDistanceProvider:
    """Every ZIP code is `miles` from every station; the `fixed_distance` fixture sets it."""

    miles = Decimal("0")

    def miles_between_zip_and_point(self, zip_code: str, latitude: Decimal, longitude: Decimal) -> Decimal:
        return self.miles
