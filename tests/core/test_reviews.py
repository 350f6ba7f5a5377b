"""Reviews: one per completed booking, published after moderation."""

import pytest

from audit.actor import Actor
from audit.models import AuditLog
from core.models import Booking, Review
from core.services.reviews import review_create, review_moderate
from kernel.errors import ConflictError, ServiceError
from tests.core.factories import BookingFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [s for s in Booking.Status.values if s != Booking.Status.COMPLETED])
def test_only_a_completed_booking_can_be_reviewed(status, customer_actor):
    booking = BookingFactory(status=status)

    with pytest.raises(ConflictError) as error:
        review_create(booking=booking, rating=5, content="Great", actor=customer_actor)

    assert error.value.code == "review_not_allowed"


def test_a_review_is_pending_until_moderated_and_audited(customer_actor):
    booking = BookingFactory(status=Booking.Status.COMPLETED)

    review = review_create(booking=booking, rating=4, content="  Tasty  ", actor=customer_actor)

    assert review.status == Review.Status.PENDING
    assert review.customer == booking.customer
    assert review.content == "Tasty"
    assert AuditLog.objects.filter(action="review.create", resource_id=str(review.pk)).exists()


def test_a_booking_is_reviewed_once(customer_actor):
    booking = BookingFactory(status=Booking.Status.COMPLETED)
    review_create(booking=booking, rating=5, content="", actor=customer_actor)

    with pytest.raises(ConflictError) as error:
        review_create(booking=booking, rating=1, content="", actor=customer_actor)

    assert error.value.code == "review_exists"


@pytest.mark.parametrize("rating", [0, 6, True, "5"])
def test_a_rating_is_a_whole_number_from_1_to_5(rating, customer_actor):
    with pytest.raises(ServiceError) as error:
        review_create(
            booking=BookingFactory(status=Booking.Status.COMPLETED),
            rating=rating,
            content="",
            actor=customer_actor,
        )

    assert error.value.field == "rating"


@pytest.mark.parametrize("status", [Review.Status.APPROVED, Review.Status.REJECTED])
def test_staff_approve_or_reject_a_review_once_with_an_audit_row(status, staff_actor):
    review = ReviewFactory()

    review = review_moderate(review=review, status=status, actor=staff_actor)
    review_moderate(review=review, status=status, actor=staff_actor)

    assert review.status == status and review.moderated_at is not None
    assert AuditLog.objects.filter(resource_id=str(review.pk), action__startswith="review.").count() == 1


def test_a_review_cannot_be_moderated_back_to_pending(db):
    with pytest.raises(ServiceError):
        review_moderate(review=ReviewFactory(), status=Review.Status.PENDING, actor=Actor.system())
