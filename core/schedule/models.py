"""Calendar feeds: a private ICS URL per chef (their parties) or per staff member and station."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from kernel.models import UUIDModel


def new_feed_nonce() -> str:
    return secrets.token_urlsafe(18)


class CalendarFeed(UUIDModel):
    """One private feed. Its URL is signed over (id, nonce): a new nonce revokes every old URL."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    # Exactly one of the two: a chef's own parties, or every party of a station.
    chef = models.ForeignKey("ops.Chef", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    station = models.ForeignKey(
        "identity.Station", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    nonce = models.CharField(max_length=32, default=new_feed_nonce, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "core"
        db_table = 'core"."calendar_feeds'
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(chef__isnull=False) & models.Q(station__isnull=True))
                | (models.Q(chef__isnull=True) & models.Q(station__isnull=False)),
                name="check_calendar_feed_one_scope",
            ),
            models.UniqueConstraint(
                fields=["owner", "chef", "station"], name="uq_calendar_feed_scope", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.chef or self.station}"
