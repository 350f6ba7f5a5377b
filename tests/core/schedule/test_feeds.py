"""Private calendar feeds (ICS): signed, revocable, and always current."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.actor import Actor
from audit.models import AuditLog
from core.availability import slot_starts_at
from core.models import Booking, CalendarFeed
from core.schedule.feeds import feed_token
from core.services.bookings import booking_assign_chef, booking_cancel, booking_reschedule
from identity.models import Station
from ops.models import Chef
from tests.core.factories import BookingFactory
from tests.staff_panel import CHEF, MANAGER_FREMONT, MANAGER_SACRAMENTO, client_for

pytestmark = pytest.mark.django_db

FEEDS = reverse("staff-calendar-feeds")
STAFF = Actor.system("test")


def kenji() -> Chef:
    return Chef.objects.get(user__email=CHEF)


def issue_own_feed() -> str:
    """The chef creates their feed from the feeds page; the URL it shows."""
    client = client_for(CHEF)
    client.post(FEEDS, {"kind": "chef", "id": str(kenji().pk), "do": "issue"})
    feed = CalendarFeed.objects.get(chef=kenji(), revoked_at__isnull=True)
    url = reverse("calendar-feed", args=[feed_token(feed)])
    assert url in client.get(FEEDS).content.decode()
    return url


def fetch(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content.decode()


def test_a_chefs_feed_lists_their_parties_and_follows_a_reschedule(demo_data, client):
    booking = BookingFactory(
        station=kenji().station, chef=kenji(), date=timezone.localdate() + datetime.timedelta(days=30)
    )
    url = issue_own_feed()
    assert f"UID:{booking.pk}@myhibachi" in fetch(client, url)

    new_date = booking.date + datetime.timedelta(days=3)
    booking_reschedule(booking=booking, date=new_date, slot=booking.slot, actor=STAFF, by_customer=False)
    booking.refresh_from_db()

    feed = fetch(client, url)
    event = feed.split(f"UID:{booking.pk}@myhibachi")[1].split("END:VEVENT")[0]
    starts = slot_starts_at(station=booking.station, date=new_date, slot=booking.slot)
    assert f"DTSTART:{starts.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}" in event
    assert "STATUS:CONFIRMED" in event
    assert "$" not in feed


def test_a_party_given_to_another_chef_leaves_the_first_chefs_feed(demo_data, client):
    booking = BookingFactory(
        station=kenji().station, chef=kenji(), date=timezone.localdate() + datetime.timedelta(days=31)
    )
    url = issue_own_feed()
    other = Chef.objects.filter(station=kenji().station, is_active=True).exclude(pk=kenji().pk).first()

    booking_assign_chef(booking=booking, chef=other, actor=STAFF)

    assert str(booking.pk) not in fetch(client, url)


def test_a_cancelled_party_is_sent_as_cancelled(demo_data, client):
    booking = BookingFactory(
        station=kenji().station, chef=kenji(), date=timezone.localdate() + datetime.timedelta(days=32)
    )
    url = issue_own_feed()

    booking_cancel(booking=booking, actor=STAFF, reason="Customer called", by_customer=False)

    event = fetch(client, url).split(f"UID:{booking.pk}@myhibachi")[1].split("END:VEVENT")[0]
    assert "STATUS:CANCELLED" in event


def test_the_address_is_in_a_chefs_feed_only_from_seven_days_before(demo_data, client):
    near = BookingFactory(
        station=kenji().station,
        chef=kenji(),
        date=timezone.localdate() + datetime.timedelta(days=4),
        address="1 Near St, Fremont, CA 94539",
    )
    far = BookingFactory(
        station=kenji().station,
        chef=kenji(),
        date=timezone.localdate() + datetime.timedelta(days=33),
        address="2 Far St, Fremont, CA 94539",
    )
    url = issue_own_feed()

    feed = fetch(client, url)

    assert "1 Near St" in feed and "2 Far St" not in feed
    assert near.reference in feed and far.reference in feed


def test_a_new_address_or_a_revoke_stops_the_old_feed_url(demo_data, client):
    first = issue_own_feed()
    second = issue_own_feed()

    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200

    client_for(CHEF).post(FEEDS, {"kind": "chef", "id": str(kenji().pk), "do": "revoke"})

    assert client.get(second).status_code == 404
    assert AuditLog.objects.filter(action="calendar_feed.revoke").exists()


def test_a_forged_feed_token_is_not_found(demo_data, client):
    feed, _ = CalendarFeed.objects.get_or_create(owner=kenji().user, chef=kenji(), station=None)
    token = feed_token(feed)

    assert client.get(reverse("calendar-feed", args=[token])).status_code == 200
    assert client.get(reverse("calendar-feed", args=[token[:-2] + "xx"])).status_code == 404


def test_a_station_feed_shows_every_party_there_and_stops_when_the_role_is_gone(demo_data, client):
    fremont = Station.objects.get(code="CA-FREMONT-001")
    booking = BookingFactory(
        station=fremont, chef=None, date=timezone.localdate() + datetime.timedelta(days=34)
    )
    manager = client_for(MANAGER_FREMONT)
    manager.post(FEEDS, {"kind": "station", "id": str(fremont.pk), "do": "issue"})
    feed = CalendarFeed.objects.get(station=fremont, owner__email=MANAGER_FREMONT)
    url = reverse("calendar-feed", args=[feed_token(feed)])

    content = fetch(client, url)
    assert booking.reference in content and "NO CHEF" in content

    feed.owner.user_roles.all().delete()
    assert client.get(url).status_code == 404


def test_nobody_gets_a_feed_of_a_station_they_do_not_work_at(demo_data):
    fremont = Station.objects.get(code="CA-FREMONT-001")

    client_for(MANAGER_SACRAMENTO).post(FEEDS, {"kind": "station", "id": str(fremont.pk), "do": "issue"})
    client_for(CHEF).post(FEEDS, {"kind": "station", "id": str(fremont.pk), "do": "issue"})

    assert not CalendarFeed.objects.filter(station=fremont).exists()
    assert Booking.objects.exists()
