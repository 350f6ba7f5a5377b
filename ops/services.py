"""Writes about chefs: their rating (from reviews, or a manager's override)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from audit.actor import Actor
from audit.services import audit_log_write
from kernel.errors import ServiceError
from ops.models import Chef

RATING_STEP = Decimal("0.1")


def _effective_rating(chef: Chef) -> Decimal:
    if chef.rating_override is not None:
        return chef.rating_override
    if chef.review_mean is not None:
        return chef.review_mean.quantize(RATING_STEP, rounding=ROUND_HALF_UP)
    return chef.rating


@transaction.atomic
def chef_review_stats_set(*, chef: Chef, review_count: int, review_mean: Decimal | None) -> Chef:
    """Store the mean and count of the chef's approved reviews (core counts them) and re-rate the chef."""
    chef = Chef.objects.select_for_update().get(pk=chef.pk)
    before = (chef.review_count, chef.review_mean, chef.rating)
    chef.review_count = review_count
    chef.review_mean = review_mean
    chef.rating = _effective_rating(chef)
    if (chef.review_count, chef.review_mean, chef.rating) != before:
        chef.save(update_fields=["review_count", "review_mean", "rating", "updated_at"])
    return chef


@transaction.atomic
def chef_rating_override(*, chef: Chef, rating: Decimal | None, reason: str, actor: Actor) -> Chef:
    """A manager sets the chef's rating by hand (None: back to the reviews' mean), with a reason.

    The caller checks that the user holds chef.update at the chef's station (managers, admins).
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError("Give the reason for the rating.", field="reason")
    if rating is not None and not Decimal(0) <= rating <= Decimal(5):
        raise ServiceError("A rating is from 0 to 5.", field="rating")
    chef = Chef.objects.select_for_update().get(pk=chef.pk)
    before = {"rating": str(chef.rating), "rating_override": str(chef.rating_override)}
    chef.rating_override = (
        rating.quantize(RATING_STEP, rounding=ROUND_HALF_UP) if rating is not None else None
    )
    chef.rating_override_reason = reason[:255] if rating is not None else ""
    if rating is None and chef.review_mean is None:
        chef.rating = Chef._meta.get_field("rating").default
    chef.rating = _effective_rating(chef)
    chef.save(update_fields=["rating_override", "rating_override_reason", "rating", "updated_at"])
    audit_log_write(
        actor=actor,
        action="chef.rating_override",
        instance=chef,
        station_id=chef.station_id,
        before=before,
        after={"rating": str(chef.rating), "rating_override": str(chef.rating_override)},
        reason=reason,
    )
    return chef
