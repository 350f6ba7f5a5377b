from decimal import Decimal

import factory

from identity.models import Role, Station, User, UserRole


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station
        django_get_or_create = ("code",)

    name = "Fremont"
    code = "CA-FREMONT-001"
    address = "47481 Towhee St"
    city = "Fremont"
    state = "CA"
    zip_code = "94539"
    latitude = Decimal("37.517200")
    longitude = Decimal("-121.918800")


class SacramentoStationFactory(StationFactory):
    name = "Sacramento"
    code = "CA-SACRAMENTO-001"
    address = "1500 Capitol Ave"
    city = "Sacramento"
    zip_code = "95814"
    latitude = Decimal("38.576700")
    longitude = Decimal("-121.493400")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@myhibachi.test")
    first_name = "Staff"
    last_name = factory.Sequence(lambda n: f"Member{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ("name",)

    name = Role.Name.STATION_MANAGER
    tier = 2


class UserRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserRole

    user = factory.SubFactory(UserFactory)
    role = factory.SubFactory(RoleFactory)
    station = factory.SubFactory(StationFactory)
