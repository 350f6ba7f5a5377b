"""Real threads, each with its own database connection, racing booking_create
(docs/business-rules.md capacity rules)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from audit.actor import Actor
from core.models import Booking, Customer
from core.services.bookings import BookingRequest, booking_create
from kernel.errors import ConflictError
from tests.core.conftest import booking_request
from tests.identity.factories import StationFactory
from tests.ops.factories import ChefFactory
from tests.pricing.factories import PricingPolicyFactory, create_menu

THREADS = 8


def race(requests: list[BookingRequest], *, idempotency_key: str | None = None) -> list[object]:
    """Run booking_create once per request, all at once; each result is a Booking or the exception."""
    barrier = threading.Barrier(len(requests))
    results: list[object] = [None] * len(requests)

    def book(index: int, request: BookingRequest) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = booking_create(
                request=request,
                actor=Actor.customer(label=f"thread {index}"),
                idempotency_key=idempotency_key,
            )
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a booking hung (deadlock?)"
    return results


@pytest.fixture
def fremont(transactional_db):
    PricingPolicyFactory()
    create_menu()
    return StationFactory()


@pytest.mark.django_db(transaction=True)
def test_eight_customers_racing_for_a_slot_with_three_free_chefs_get_exactly_three_bookings(fremont):
    # Given three free chefs in the 18:00 slot
    chefs = ChefFactory.create_batch(3, station=fremont)

    # When eight different customers book it at the same moment
    results = race([booking_request(customer={"email": f"racer{n}@example.com"}) for n in range(THREADS)])

    # Then exactly three get a booking, each with a different chef, and the others a clear 409
    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(booked) == 3, results
    assert len(refused) == THREADS - 3, results
    assert all(error.code == "slot_unavailable" for error in refused)
    assert {booking.chef_id for booking in booked} == {chef.pk for chef in chefs}
    active = Booking.objects.filter(status__in=Booking.ACTIVE_STATUSES)
    assert active.count() == 3
    assert max(Counter(active.values_list("chef_id", flat=True)).values()) == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_new_customer_booking_twice_at_once_is_created_once(fremont):
    # Given two free chefs, and one new customer submitting two different slots at the same moment
    ChefFactory.create_batch(2, station=fremont)
    requests = [
        booking_request(customer={"email": "twice@example.com"}, slot=slot) for slot in ("12:00", "18:00")
    ]

    results = race(requests)

    # Then both bookings exist, for one customer
    assert all(isinstance(r, Booking) for r in results), results
    assert Customer.objects.filter(email__iexact="twice@example.com").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_form_with_one_idempotency_key_books_once(fremont):
    ChefFactory.create_batch(3, station=fremont)
    request = booking_request()

    results = race([request] * 4, idempotency_key="double-click")

    assert all(isinstance(r, Booking) for r in results), results
    assert len({booking.pk for booking in results}) == 1
    assert Booking.objects.count() == 1
