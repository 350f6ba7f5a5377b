"""Reviews: one per completed booking, shown publicly once staff approve it."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Booking, Review
from kernel.error_codes import ReviewErrors
from kernel.errors import ConflictError, ServiceError
from ops.models import Chef
from ops.services import chef_review_stats_set

CONTENT_MAX_LENGTH = 2000
MODERATION_STATUSES = (Review.Status.APPROVED, Review.Status.REJECTED)


@transaction.atomic
def review_create(*, booking: Booking, rating: int, content: str, actor: Actor) -> Review:
    """The customer's review of a completed booking, pending moderation; ConflictError on a second."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ServiceError("Give a rating from 1 to 5.", field="rating")
    content = (content or "").strip()
    if len(content) > CONTENT_MAX_LENGTH:
        raise ServiceError(f"At most {CONTENT_MAX_LENGTH} characters.", field="content")
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != Booking.Status.COMPLETED:
        raise ConflictError("Only a completed booking can be reviewed.", code=ReviewErrors.REVIEW_NOT_ALLOWED)
    if Review.objects.filter(booking=booking).exists():
        raise ConflictError("This booking has already been reviewed.", code=ReviewErrors.REVIEW_EXISTS)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                booking=booking, customer_id=booking.customer_id, rating=rating, content=content
            )
    except IntegrityError as exc:  # the one-to-one on booking, if a second request slipped in
        raise ConflictError(
            "This booking has already been reviewed.", code=ReviewErrors.REVIEW_EXISTS
        ) from exc
    audit_log_write(
        actor=actor,
        action="review.create",
        instance=review,
        station_id=booking.station_id,
        after=snapshot(review),
    )
    return review


@transaction.atomic
def review_moderate(*, review: Review, status: str, actor: Actor, reason: str = "") -> Review:
    """Approve or reject a review; a no-op when it already has that status."""
    if status not in MODERATION_STATUSES:
        raise ServiceError("Approve or reject the review.", field="status")
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status == status:
        return review
    before = snapshot(review)
    review.status = status
    review.moderated_at = timezone.now()
    review.save(update_fields=["status", "moderated_at", "updated_at"])
    audit_log_write(
        actor=actor,
        action=f"review.{'approve' if status == Review.Status.APPROVED else 'reject'}",
        instance=review,
        station_id=Booking.objects.filter(pk=review.booking_id).values_list("station_id", flat=True).first(),
        before=before,
        after=snapshot(review),
        reason=reason,
    )
    chef_id = Booking.objects.filter(pk=review.booking_id).values_list("chef_id", flat=True).first()
    if chef_id is not None:
        chef_rating_refresh(chef=Chef.objects.get(pk=chef_id))
    return review


def chef_rating_refresh(*, chef: Chef) -> Chef:
    """Re-rate a chef from the approved reviews of their parties (DOMAIN.md "Chefs")."""
    stats = Review.objects.filter(booking__chef=chef, status=Review.Status.APPROVED).aggregate(
        count=Count("pk"), mean=Avg("rating")
    )
    mean = Decimal(stats["mean"]).quantize(Decimal("0.01")) if stats["mean"] is not None else None
    return chef_review_stats_set(chef=chef, review_count=stats["count"], review_mean=mean)
