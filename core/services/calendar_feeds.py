"""Issuing and revoking the private calendar feeds (core/schedule/feeds.py draws them)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write
from core.models import CalendarFeed, new_feed_nonce
from identity import scoping
from kernel.errors import ServiceError
from ops.models import Chef


@transaction.atomic
def calendar_feed_issue(*, owner, actor: Actor, chef: Chef | None = None, station=None) -> CalendarFeed:
    """The owner's feed of a chef (their own) or a station (where they read bookings), with a new
    URL: issuing again replaces the previous URL, which stops working at once."""
    if (chef is None) == (station is None):
        raise ServiceError("A feed is of a chef or of a station.", field="scope")
    if chef is not None and chef.user_id != owner.pk:
        raise ServiceError("Only the chef can have the feed of their own parties.", field="chef")
    if station is not None and (
        not scoping.user_has_permission(owner, "booking.read", station.pk)
        or scoping.access_for(owner).chef_only
    ):
        raise ServiceError("You can only have the feed of a station you work at.", field="station")
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        owner=owner, chef=chef, station=station
    )
    if not created:
        feed.nonce = new_feed_nonce()
        feed.revoked_at = None
        feed.save(update_fields=["nonce", "revoked_at", "updated_at"])
    audit_log_write(
        actor=actor,
        action="calendar_feed.issue",
        instance=feed,
        station_id=station.pk if station is not None else chef.station_id,
        after={"chef": str(chef) if chef else None, "station": str(station) if station else None},
    )
    return feed


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed, actor: Actor) -> CalendarFeed:
    """Stop a feed's URL from working (idempotent)."""
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.revoked_at is not None:
        return feed
    feed.revoked_at = timezone.now()
    feed.nonce = new_feed_nonce()
    feed.save(update_fields=["revoked_at", "nonce", "updated_at"])
    audit_log_write(
        actor=actor,
        action="calendar_feed.revoke",
        instance=feed,
        station_id=feed.station_id or Chef.objects.get(pk=feed.chef_id).station_id,
    )
    return feed
