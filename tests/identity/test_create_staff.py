"""`manage.py create_staff`: a staff user with a role at stations, and a one-time set-password link."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from audit.models import AuditLog
from identity.models import User, UserRole
from myhibachi.seeding.reference import sync_catalog
from myhibachi.seeding.rows import SeedReport
from tests.identity.factories import SacramentoStationFactory, StationFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-new-password-2026"


@pytest.fixture
def stations():
    sync_catalog(SeedReport())
    return StationFactory(), SacramentoStationFactory()


def create_staff(*args: str) -> str:
    out = io.StringIO()
    call_command("create_staff", *args, stdout=out)
    return out.getvalue()


def test_an_operator_creates_a_manager_of_two_stations_who_sets_a_password_once(stations, settings):
    fremont, sacramento = stations
    output = create_staff(
        "--email",
        "New.Manager@MyHibachi.test",
        "--role",
        "station_manager",
        "--station",
        fremont.code,
        "--station",
        sacramento.code,
    )

    user = User.objects.get(email="new.manager@myhibachi.test")
    assert not user.has_usable_password()
    assert set(UserRole.objects.filter(user=user).values_list("role__name", "station__code")) == {
        ("station_manager", fremont.code),
        ("station_manager", sacramento.code),
    }
    assert AuditLog.objects.filter(action="user.create", resource_id=str(user.pk)).exists()
    link = output.strip().splitlines()[-1]
    assert link.startswith(settings.SITE_URL + "/admin/set-password/")

    client = Client()
    form_page = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    client.post(form_page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    again = Client().get(link.removeprefix(settings.SITE_URL), follow=True)
    assert again.context["validlink"] is False


def test_running_it_again_adds_a_station_and_grants_nothing_twice(stations):
    fremont, sacramento = stations
    create_staff(
        "--email", "support2@myhibachi.test", "--role", "customer_support", "--station", fremont.code
    )

    output = create_staff(
        "--email",
        "support2@myhibachi.test",
        "--role",
        "customer_support",
        "--station",
        fremont.code,
        "--station",
        sacramento.code,
    )

    assert "Found staff user support2@myhibachi.test." in output
    assert f"customer_support @ {sacramento.code}" in output and f"@ {fremont.code}" not in output
    assert UserRole.objects.filter(user__email="support2@myhibachi.test").count() == 2


def test_a_super_admin_needs_no_station_and_others_need_a_known_one(stations):
    create_staff("--email", "boss@myhibachi.test", "--role", "super_admin")
    assert UserRole.objects.get(user__email="boss@myhibachi.test").station is None

    with pytest.raises(CommandError, match="Give at least one --station"):
        create_staff("--email", "chef9@myhibachi.test", "--role", "chef")
    with pytest.raises(CommandError, match="No station with code CA-NOWHERE"):
        create_staff("--email", "chef9@myhibachi.test", "--role", "chef", "--station", "CA-NOWHERE")
    assert not User.objects.filter(email="chef9@myhibachi.test").exists()
