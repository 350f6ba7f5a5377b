from decimal import Decimal

import factory

from ops.models import Chef, ChefAvailability
from tests.identity.factories import StationFactory


class ChefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chef

    station = factory.SubFactory(StationFactory)
    name = factory.Sequence(lambda n: f"Chef {n}")
    phone = factory.Sequence(lambda n: f"+1510555{n:04d}")
    email = factory.Sequence(lambda n: f"chef{n}@myhibachi.test")
    rating = Decimal("4.8")


class ChefAvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChefAvailability

    chef = factory.SubFactory(ChefFactory)
    date = factory.Faker("date_between", start_date="+3d", end_date="+60d")
    slot = None
    is_available = False
    note = "Time off"
