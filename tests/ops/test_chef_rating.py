"""A chef's rating is the mean of their approved reviews; a manager may override it, with a reason."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.actor import Actor
from audit.models import AuditLog
from core.models import Booking, Review
from core.services.reviews import review_moderate
from ops.models import Chef
from tests.core.factories import BookingFactory, ReviewFactory
from tests.identity.staff import form_data
from tests.ops.factories import ChefFactory
from tests.staff_panel import MANAGER_FREMONT, SUPPORT, client_for, demo_database

pytestmark = pytest.mark.django_db

STAFF = Actor.system("pytest")


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


def reviewed(chef: Chef, rating: int) -> Review:
    booking = BookingFactory(station=chef.station, chef=chef, status=Booking.Status.COMPLETED)
    return ReviewFactory(booking=booking, customer=booking.customer, rating=rating)


def test_approved_reviews_rate_the_chef_by_their_mean_and_rejected_ones_do_not_count(db):
    chef = ChefFactory(rating=Decimal("4.8"))
    for rating in (5, 4, 4):
        review_moderate(review=reviewed(chef, rating), status=Review.Status.APPROVED, actor=STAFF)
    review_moderate(review=reviewed(chef, 1), status=Review.Status.REJECTED, actor=STAFF)

    chef.refresh_from_db()
    assert chef.review_count == 3
    assert chef.review_mean == Decimal("4.33")
    assert chef.rating == Decimal("4.3")


def test_a_manager_overrides_a_rating_with_a_reason_and_clearing_it_returns_to_the_reviews(demo_data):
    chef = Chef.objects.filter(station__code="CA-FREMONT-001").order_by("name").first()
    review_moderate(review=reviewed(chef, 3), status=Review.Status.APPROVED, actor=STAFF)
    chef.refresh_from_db()
    client = client_for(MANAGER_FREMONT)
    url = reverse("admin:ops_chef_change", args=[chef.pk])

    refused = client.post(
        url, {**form_data(client.get(url)), "rating_override": "4.9", "rating_override_reason": ""}
    )
    assert refused.status_code == 200
    assert "Give the reason for the rating you set." in refused.content.decode()

    data = {
        **form_data(client.get(url)),
        "rating_override": "4.9",
        "rating_override_reason": "Great feedback by phone",
    }
    assert client.post(url, data).status_code == 302
    chef.refresh_from_db()
    assert chef.rating == Decimal("4.9") and chef.rating_override == Decimal("4.9")
    audit = AuditLog.objects.get(action="chef.rating_override", resource_id=str(chef.pk))
    assert audit.reason == "Great feedback by phone"

    review_moderate(review=reviewed(chef, 5), status=Review.Status.APPROVED, actor=STAFF)
    chef.refresh_from_db()
    assert chef.rating == Decimal("4.9")  # the override holds

    data = {
        **form_data(client.get(url)),
        "rating_override": "",
        "rating_override_reason": "Back to the reviews",
    }
    client.post(url, data)
    chef.refresh_from_db()
    assert chef.rating_override is None and chef.rating == chef.review_mean.quantize(Decimal("0.1"))


def test_the_chef_list_shows_the_number_of_reviews_and_support_cannot_override(demo_data):
    chef = Chef.objects.filter(station__code="CA-FREMONT-001").order_by("name").first()

    listing = client_for(MANAGER_FREMONT).get(reverse("admin:ops_chef_changelist"))
    support = client_for(SUPPORT).post(
        reverse("admin:ops_chef_change", args=[chef.pk]),
        {"rating_override": "1.0", "rating_override_reason": "x"},
    )

    assert "column-review_count" in listing.content.decode()
    assert support.status_code == 403
    chef.refresh_from_db()
    assert chef.rating_override != Decimal("1.0")
