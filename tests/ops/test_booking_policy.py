"""The booking policy in the database: per station, seeded, edited by admins, audited, cached,
and read by the API, the manage link and the emails alike."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.actor import Actor
from audit.models import AuditLog
from core.availability import booking_window_error
from core.services.bookings import booking_confirm, booking_create
from core.tokens import manage_token_for
from identity.models import Role, Station, UserRole
from kernel.errors import ServiceError
from myhibachi.seeding.reference import sync_catalog
from myhibachi.seeding.rows import SeedReport
from ops.models import BookingPolicy
from ops.policy import BookingRules, booking_rules
from tests.core.conftest import SIX_PM, booking_request, event_date
from tests.core.factories import BookingFactory, PaymentFactory
from tests.identity.factories import SacramentoStationFactory, StationFactory, UserFactory
from tests.ops.factories import ChefFactory
from tests.pricing.factories import PricingPolicyFactory, create_menu

pytestmark = pytest.mark.django_db

STAFF = Actor.system("pytest staff")


@pytest.fixture
def fremont() -> Station:
    PricingPolicyFactory()
    create_menu()
    station = StationFactory()
    ChefFactory.create_batch(2, station=station)
    BookingPolicy.objects.get_or_create(station=station)
    return station


def staff_client(client, role: str, station: Station):
    roles = sync_catalog(SeedReport())  # the roles with their permissions
    user = UserFactory()
    UserRole.objects.create(user=user, station=station, role=roles[role])
    client.force_login(user)
    return client


def change_url(policy: BookingPolicy) -> str:
    return reverse("admin:ops_bookingpolicy_change", args=[policy.pk])


def policy_form(policy: BookingPolicy, **changes) -> dict:
    data = {
        "refund_notice_days": policy.refund_notice_days,
        "change_cutoff_hours": policy.change_cutoff_hours,
        "booking_min_lead_hours": policy.booking_min_lead_hours,
        "booking_max_ahead_days": policy.booking_max_ahead_days,
        "deposit_deadline_hours": policy.deposit_deadline_hours,
        "slot_times": [slot.strftime("%H:%M") for slot in policy.slot_times],
        "staff_party_size": policy.staff_party_size,
    }
    data.update(changes)
    return data


def test_the_seed_gives_every_station_a_policy_with_the_domain_defaults(db):
    call_command("seed", "--demo", stdout=io.StringIO())

    policies = BookingPolicy.objects.select_related("station")
    assert policies.count() == Station.objects.count() >= 2
    for policy in policies:
        assert booking_rules(Station.objects.get(pk=policy.station_id)) == BookingRules()


def test_an_admin_changes_the_refund_notice_audited_and_every_reader_sees_it_at_once(
    fremont, client, django_capture_on_commit_callbacks
):
    policy = fremont.booking_policy
    assert booking_rules(Station.objects.get(pk=fremont.pk)).refund_notice == datetime.timedelta(
        days=4
    )  # cached
    admin = staff_client(client, Role.Name.ADMIN, fremont)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(change_url(policy), policy_form(policy, refund_notice_days=7))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert booking_rules(Station.objects.get(pk=fremont.pk)).refund_notice == datetime.timedelta(days=7)
    row = AuditLog.objects.get(resource_type="ops.bookingpolicy", resource_id=str(policy.pk))
    assert row.before["refund_notice_days"] == 4 and row.after["refund_notice_days"] == 7


def test_a_station_manager_reads_the_policy_but_cannot_change_it(fremont, client):
    policy = fremont.booking_policy
    manager = staff_client(client, Role.Name.STATION_MANAGER, fremont)

    assert manager.get(change_url(policy)).status_code == 200
    response = manager.post(change_url(policy), policy_form(policy, refund_notice_days=1))

    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.refund_notice_days == 4


def test_an_admin_of_another_station_does_not_see_the_policy(fremont, client):
    other = SacramentoStationFactory()
    admin = staff_client(client, Role.Name.ADMIN, other)

    assert admin.get(change_url(fremont.booking_policy)).status_code == 404


def test_a_policy_that_opens_bookings_after_the_window_closes_is_refused(fremont, client):
    policy = fremont.booking_policy
    admin = staff_client(client, Role.Name.ADMIN, fremont)

    response = admin.post(
        change_url(policy), policy_form(policy, booking_min_lead_hours=200, booking_max_ahead_days=7)
    )

    assert response.status_code == 200
    assert "Bookings must open before the booking window closes." in response.content.decode()


def test_a_slot_the_station_no_longer_offers_cannot_be_booked(fremont):
    BookingPolicy.objects.filter(station=fremont).update(slot_times=[datetime.time(12), datetime.time(15)])

    with pytest.raises(ServiceError) as refused:
        booking_window_error(station=Station.objects.get(pk=fremont.pk), date=event_date(20), slot=SIX_PM)

    assert refused.value.message == "Fremont offers these slots: 12:00, 15:00."
    assert refused.value.field == "slot" and refused.value.code == "slot_not_offered"


def test_a_seven_day_refund_notice_is_applied_by_the_api_and_stated_by_the_manage_link_and_emails(
    fremont, api_client, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "manage": "1000/min"}
    BookingPolicy.objects.filter(station=fremont).update(refund_notice_days=7)
    five_days_out = BookingFactory(station=fremont, date=event_date(5))
    PaymentFactory(booking=five_days_out)
    url = f"/api/v1/bookings/manage/{manage_token_for(five_days_out)}/"

    detail = api_client.get(url).json()
    actions = detail["actions"]
    assert detail["rules"]["refund_notice"] == "7 days" and detail["rules"]["change_cutoff"] == "72 hours"
    cancelled = api_client.post(url + "cancel/", {"reason": "Plans changed"}, format="json")

    assert actions["cancel_becomes_request"] is True and actions["cancel_refund_cents"] == 0
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancellation_requested"

    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(request=booking_request(date=event_date(20)), actor=STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        booking_confirm(booking=booking, actor=STAFF)
    confirmation = next(email for email in mailoutbox if email.subject.startswith("Confirmed"))
    assert "cancel 7 days or more ahead" in confirmation.body
    assert "4 days" not in confirmation.body


def test_a_longer_deposit_deadline_and_booking_window_apply_to_new_bookings(fremont):
    BookingPolicy.objects.filter(station=fremont).update(deposit_deadline_hours=48, booking_max_ahead_days=30)

    booking = booking_create(request=booking_request(date=event_date(20)), actor=STAFF)
    too_far = booking_window_error(
        station=Station.objects.get(pk=fremont.pk), date=event_date(40), slot=SIX_PM
    )

    assert booking.deposit_due_at - booking.created_at == pytest.approx(
        datetime.timedelta(hours=48), abs=datetime.timedelta(seconds=5)
    )
    assert too_far == "Bookings open at most 30 days ahead."


def test_an_admin_types_the_stations_own_slot_times_audited_and_every_reader_sees_them_at_once(
    fremont, client, django_capture_on_commit_callbacks
):
    policy = fremont.booking_policy
    booking_rules(Station.objects.get(pk=fremont.pk))  # cached
    admin = staff_client(client, Role.Name.ADMIN, fremont)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            change_url(policy), policy_form(policy, slot_times="17:30, 11:30, 14:30, 20:30")
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    offered = booking_rules(Station.objects.get(pk=fremont.pk)).slot_times
    assert offered == tuple(datetime.time.fromisoformat(t) for t in ("11:30", "14:30", "17:30", "20:30"))
    row = AuditLog.objects.get(resource_type="ops.bookingpolicy", resource_id=str(policy.pk))
    assert row.before["slot_times"] != row.after["slot_times"]
    assert "11:30" in str(row.after["slot_times"])


def test_the_policy_form_shows_the_slot_times_as_text_to_edit(fremont, client):
    admin = staff_client(client, Role.Name.ADMIN, fremont)

    response = admin.get(change_url(fremont.booking_policy))

    assert 'value="12:00, 15:00, 18:00, 21:00"' in response.content.decode()


def test_slot_times_that_break_a_rule_are_refused_with_the_reason_and_nothing_changes(fremont, client):
    policy = fremont.booking_policy
    admin = staff_client(client, Role.Name.ADMIN, fremont)

    response = admin.post(change_url(policy), policy_form(policy, slot_times="12:00, 13:00"))

    assert response.status_code == 200
    assert "at least 2 h 30 min apart" in response.content.decode()
    policy.refresh_from_db()
    assert policy.slot_times == [datetime.time(12), datetime.time(15), datetime.time(18), datetime.time(21)]


def test_time_off_is_for_the_whole_day_or_one_of_the_stations_slots(fremont, client):
    BookingPolicy.objects.filter(station=fremont).update(
        slot_times=[datetime.time(11, 30), datetime.time(17, 30)]
    )
    chef = fremont.chefs.first()
    admin = staff_client(client, Role.Name.ADMIN, fremont)
    add = reverse("admin:ops_chefavailability_add")
    entry = {"chef": str(chef.pk), "date": event_date(20).isoformat(), "note": "Dentist"}

    refused = admin.post(add, {**entry, "slot": "18:00"})
    accepted = admin.post(add, {**entry, "slot": "17:30"})

    assert refused.status_code == 200
    assert "Fremont offers these slots: 11:30, 17:30." in refused.content.decode()
    assert accepted.status_code == 302, accepted.content.decode()[:2000]
    assert list(chef.availability.values_list("slot", flat=True)) == [datetime.time(17, 30)]
