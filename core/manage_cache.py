"""The manage view's answer, kept in the shared cache until something it shows changes.

A customer's page asks for its booking again and again (every refresh, every step of the
website). The answer (core/api_output.booking_manage_body) is kept under the token and the
shared versions (kernel/versions.py) of what it is made of: the booking's own version, bumped
by every save or delete of the booking, its payments and its review (core/apps.py); the
pricing catalogue's (the station's name and phone); and the booking policies'. The actions it
offers depend on the clock: an answer is kept only until the next instant one of them can
flip (the refund notice, the change cutoff, the start), and never longer than a minute.

A hit verifies the token's signature (an HMAC, no query) and reads two keys; a token that was
never answered from the database is never found here, so an invalid one still reaches the
database lookup and its security event.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from core.selectors import BookingManageView
from core.tokens import booking_id_of_signed_token
from kernel.versions import CATALOGUE, version_bump, versions_read
from ops.policy import booking_rules

BOOKING_VERSION = "booking:{booking_id}"
# Every station's booking policy: saving one retires every kept answer (a rare write).
POLICIES_VERSION = "booking-policies"
_KEY = "manage-view:v1:{token}:{versions}"
_LONGEST = datetime.timedelta(minutes=1)


def booking_changed(booking_id) -> None:
    """Retire the kept manage answers of a booking (its row, a payment or a review changed)."""
    version_bump(BOOKING_VERSION.format(booking_id=booking_id))


def policies_changed() -> None:
    version_bump(POLICIES_VERSION)


def _key(token: str, booking_id) -> str | None:
    names = [BOOKING_VERSION.format(booking_id=booking_id), CATALOGUE, POLICIES_VERSION]
    tokens = versions_read(names)
    if None in tokens.values():  # the cache cannot keep versions: keep nothing
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return _KEY.format(token=digest, versions=".".join(tokens[name] for name in names))


def manage_body_kept(token: str) -> tuple[dict | None, str | None]:
    """(the kept answer or None, the key to keep a new one under or None)."""
    try:
        booking_id = booking_id_of_signed_token(token)
    except signing.BadSignature:
        return None, None
    if booking_id is None:
        return None, None
    key = _key(token, booking_id)
    if key is None:
        return None, None
    kept = cache.get(key)
    if isinstance(kept, tuple) and len(kept) == 2 and timezone.now() < kept[0]:
        return kept[1], key
    return None, key


def manage_body_keep(key: str, view: BookingManageView, body: dict) -> None:
    """Keep the answer until the first instant its actions may change (at most a minute)."""
    now = timezone.now()
    rules = booking_rules(view.booking.station)
    flips = [view.starts_at - rules.refund_notice, view.starts_at - rules.change_cutoff, view.starts_at]
    until = min([now + _LONGEST, *(instant for instant in flips if instant > now)])
    seconds = (until - now).total_seconds()
    if seconds >= 1:
        cache.set(key, (until, body), int(seconds) + 1)
