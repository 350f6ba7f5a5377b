"""Security events and login attempts are station-scoped like everything else: an event about
an object at a station or a user there is read by that station's staff; one about neither only
by staff who see every station."""

import pytest
from axes.models import AccessAttempt

from audit.models import SecurityEvent
from audit.services import security_event_record
from identity.models import Role, User, UserRole
from tests.identity.staff import MANAGER_FREMONT, MANAGER_SACRAMENTO, SUPER_ADMIN, admin_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def fremont_admin(demo) -> User:
    user = User.objects.create_user(
        "admin.fremont@myhibachi.test", "a-long-enough-passphrase-42", is_staff=True
    )
    UserRole.objects.create(user=user, role=Role.objects.get(name="admin"), station=demo.fremont)
    return user


@pytest.fixture
def events(demo):
    def event(**fields):
        return security_event_record(
            type=SecurityEvent.Type.PAYMENT_DISPUTED, ip_address="203.0.113.77", **fields
        )

    return {
        "fremont_object": event(station_id=demo.fremont.pk),
        "sacramento_object": event(station_id=demo.sacramento.pk),
        "fremont_user": event(user=User.objects.get(email=MANAGER_FREMONT)),
        "sacramento_user": event(user=User.objects.get(email=MANAGER_SACRAMENTO)),
        "global": event(),
    }


def _listed(client, events) -> set[str]:
    response = client.get(
        admin_url(SecurityEvent, "changelist"), {"type": SecurityEvent.Type.PAYMENT_DISPUTED}
    )
    assert response.status_code == 200
    shown = {str(row.pk) for row in response.context["cl"].result_list}
    return {name for name, event in events.items() if str(event.pk) in shown}


def test_a_one_station_admin_reads_only_the_security_events_of_their_station(login, fremont_admin, events):
    client = login(fremont_admin.email)

    assert _listed(client, events) == {"fremont_object", "fremont_user"}
    assert client.get(admin_url(SecurityEvent, "change", events["sacramento_object"].pk)).status_code == 404
    assert client.get(admin_url(SecurityEvent, "change", events["global"].pk)).status_code == 404


def test_staff_who_see_every_station_read_every_security_event(login, events):
    assert _listed(login(SUPER_ADMIN), events) == set(events)


def test_a_one_station_admin_reads_only_the_login_attempts_on_their_stations_users(login, fremont_admin):
    for username in (MANAGER_FREMONT, MANAGER_SACRAMENTO, "nobody@example.com"):
        AccessAttempt.objects.create(
            username=username, ip_address="203.0.113.78", user_agent="x", failures_since_start=3
        )

    response = login(fremont_admin.email).get(admin_url(AccessAttempt, "changelist"))

    assert response.status_code == 200
    assert {row.username for row in response.context["cl"].result_list} == {MANAGER_FREMONT}
