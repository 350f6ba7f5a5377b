"""Staff alerts: bookings without a chef, and leads due for a follow-up; to the right station's staff."""

import datetime

import pytest

from core.models import Booking, Notification
from core.notifications.dispatch import staff_recipients
from core.services.reminders import booking_unassigned_chef_alerts_send
from crm.models import Lead
from identity.models import Role
from leads.models import LeadEvent
from leads.tasks import lead_follow_up_alerts_send
from tests.core.notifications.conftest import SIX_PM, local, make_booking
from tests.crm.factories import LeadFactory
from tests.identity.factories import RoleFactory, SacramentoStationFactory, UserFactory, UserRoleFactory
from tests.leads.factories import LeadContactFactory, LeadContextFactory, LeadEventFactory

Kind = Notification.Kind
NOW = local(2026, 7, 1, 9, 0)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def fremont_staff(station):
    """Fremont: a manager, a support agent, a chef login, an inactive user; and a Sacramento manager."""
    manager = UserRoleFactory(station=station, user=UserFactory(email="manager.fremont@myhibachi.test")).user
    support = UserRoleFactory(
        station=station,
        user=UserFactory(email="support.fremont@myhibachi.test"),
        role=RoleFactory(name=Role.Name.CUSTOMER_SUPPORT, tier=2),
    ).user
    UserRoleFactory(
        station=station,
        user=UserFactory(email="chef.fremont@myhibachi.test"),
        role=RoleFactory(name=Role.Name.CHEF, tier=1),
    )
    UserRoleFactory(station=SacramentoStationFactory(), user=UserFactory(email="manager.sac@myhibachi.test"))
    UserRoleFactory(station=station, user=UserFactory(email="gone@myhibachi.test", is_active=False))
    return [manager, support]


def test_station_staff_are_its_managers_and_support_plus_the_fallback_address(station, fremont_staff):
    assert staff_recipients(station.pk) == [
        "manager.fremont@myhibachi.test",
        "ops@myhibachi.test",
        "support.fremont@myhibachi.test",
    ]
    assert staff_recipients(None) == ["ops@myhibachi.test"]


def test_a_booking_within_7_days_without_a_chef_alerts_the_stations_staff_once_a_day(
    station, fremont_staff, run, mailoutbox
):
    # Given a booking in 3 days without a chef, one in 10 days without a chef, one with a chef
    no_chef = make_booking(station=station, chef=None, date=datetime.date(2026, 7, 4), slot=SIX_PM)
    make_booking(station=station, chef=None, date=datetime.date(2026, 7, 11), slot=SIX_PM)
    make_booking(station=station, date=datetime.date(2026, 7, 3), slot=SIX_PM)

    # When the sweep runs every 30 minutes through the morning
    alerts = [
        run(booking_unassigned_chef_alerts_send, NOW + n * datetime.timedelta(minutes=30)) for n in range(4)
    ]

    # Then the station's staff got one alert about that booking
    assert alerts == [1, 0, 0, 0]
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == [
        "manager.fremont@myhibachi.test",
        "ops@myhibachi.test",
        "support.fremont@myhibachi.test",
    ]
    assert no_chef.reference in mailoutbox[0].subject
    assert f"/admin/core/booking/{no_chef.pk}/change/" in mailoutbox[0].body
    # And the next day, still without a chef, they are reminded once more
    assert run(booking_unassigned_chef_alerts_send, NOW + 24 * HOUR) == 1
    assert run(booking_unassigned_chef_alerts_send, NOW + 24.5 * HOUR) == 0


def test_no_alert_once_a_chef_is_assigned_before_delivery(
    station, fremont_staff, mailoutbox, django_capture_on_commit_callbacks
):
    booking = make_booking(station=station, chef=None, date=datetime.date(2026, 7, 4), slot=SIX_PM)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking_unassigned_chef_alerts_send(now=NOW)
    Booking.objects.filter(pk=booking.pk).update(chef=make_booking(station=station).chef)
    for callback in callbacks:
        callback()

    assert mailoutbox == []
    assert Notification.objects.get(booking=booking).status == Notification.Status.SKIPPED


def test_a_lead_not_contacted_within_2_hours_alerts_its_stations_staff_once(
    station, fremont_staff, run, mailoutbox
):
    lead = LeadFactory(first_name="Grace", last_name="Liu", station=station, score=55)
    LeadContactFactory(lead=lead, handle_or_address="grace@example.com")
    LeadContextFactory(lead=lead, party_adults=15, message="Birthday party in the backyard")
    LeadFactory(station=station)  # a fresh lead: not due
    Lead.objects.filter(pk=lead.pk).update(created_at=NOW - 2.5 * HOUR)

    assert run(lead_follow_up_alerts_send, NOW) == 1
    assert run(lead_follow_up_alerts_send, NOW + HOUR) == 0

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert "manager.fremont@myhibachi.test" in email.to
    assert "manager.sac@myhibachi.test" not in email.to
    assert "Lead not contacted after 2 h: Grace Liu" in email.subject
    assert "grace@example.com" in email.body
    assert "Birthday party in the backyard" in email.body
    assert f"/admin/crm/lead/{lead.pk}/change/" in email.body


def test_a_contacted_lead_is_not_chased(station, run, mailoutbox):
    lead = LeadFactory(station=station, status=Lead.Status.CONTACTED, contacted_at=NOW - 3 * HOUR)
    Lead.objects.filter(pk=lead.pk).update(created_at=NOW - 4 * HOUR)

    assert run(lead_follow_up_alerts_send, NOW) == 0
    assert mailoutbox == []


def test_a_quote_not_booked_after_24_hours_alerts_staff_once_and_a_converted_one_does_not(
    station, fremont_staff, run, mailoutbox
):
    asked = LeadFactory(first_name="Omar", last_name="Haddad", station=station, status=Lead.Status.CONTACTED)
    LeadEventFactory(
        lead=asked,
        event_type=LeadEvent.Type.QUOTE_REQUESTED,
        occurred_at=NOW - 25 * HOUR,
        payload={"total_cents": 72_500},
    )
    booked = LeadFactory(station=station, status=Lead.Status.CONVERTED)
    LeadEventFactory(lead=booked, event_type=LeadEvent.Type.QUOTE_REQUESTED, occurred_at=NOW - 25 * HOUR)
    recent = LeadFactory(station=station, status=Lead.Status.CONTACTED)
    LeadEventFactory(lead=recent, event_type=LeadEvent.Type.QUOTE_REQUESTED, occurred_at=NOW - 5 * HOUR)

    assert run(lead_follow_up_alerts_send, NOW) == 1
    assert run(lead_follow_up_alerts_send, NOW + 2 * HOUR) == 0

    assert [email.subject for email in mailoutbox] == [
        "[My Hibachi] Quote not booked after 24 h: Omar Haddad (Web quote)"
    ]
    assert "$725.00" in mailoutbox[0].body
    assert Notification.objects.get().lead_id == asked.pk


def test_a_follow_up_alert_states_the_threshold_the_sweep_used_never_its_own(
    station, fremont_staff, run, mailoutbox, monkeypatch
):
    # One home for the follow-up delay (leads/tasks.py): the email says what the sweep checked.
    import leads.tasks

    monkeypatch.setattr(leads.tasks, "QUOTE_NOT_BOOKED_AFTER", 48 * HOUR)
    asked = LeadFactory(first_name="Omar", last_name="Haddad", station=station, status=Lead.Status.CONTACTED)
    LeadEventFactory(lead=asked, event_type=LeadEvent.Type.QUOTE_REQUESTED, occurred_at=NOW - 49 * HOUR)

    assert run(lead_follow_up_alerts_send, NOW) == 1

    assert mailoutbox[0].subject.startswith("[My Hibachi] Quote not booked after 48 h:")
    assert "more than 48 hours ago" in mailoutbox[0].body
