from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from audit.models import AuditLog
from core.models import ACTIVE_BOOKING_STATUSES, Booking, Customer, Payment
from crm.models import Lead
from leads.models import LeadContact
from myhibachi.seeding.scale import AUDIT_MARKER, ScaleCounts


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


def scale_counts() -> dict[str, int]:
    return {
        "bookings": Booking.objects.filter(reference__startswith="MH-S").count(),
        "customers": Customer.objects.filter(email__startswith="scale-").count(),
        "leads": LeadContact.objects.filter(handle_or_address__startswith="lead-").count(),
        "audit_rows": AuditLog.objects.filter(user_agent=AUDIT_MARKER).count(),
    }


@pytest.mark.django_db
def test_seed_scale_adds_n_times_the_unit_volume_on_top_of_the_demo():
    seed("--scale", "2")

    expected = ScaleCounts.for_units(2)
    assert scale_counts() == {
        "bookings": expected.bookings,
        "customers": expected.customers,
        "leads": expected.leads,
        "audit_rows": expected.audit_rows,
    }
    assert Booking.objects.filter(reference="MH-DEMO01").exists()  # the demo is there too
    assert Lead.objects.filter(contacts__handle_or_address__startswith="lead-").count() == expected.leads


@pytest.mark.django_db
def test_seed_scale_spreads_bookings_over_stations_statuses_and_past_and_future_dates():
    seed("--scale", "2")

    bookings = Booking.objects.filter(reference__startswith="MH-S")
    assert bookings.values("station").distinct().count() >= 2
    statuses = set(bookings.values_list("status", flat=True))
    assert {"completed", "cancelled", "no_show", "confirmed", "deposit_pending"} <= statuses
    dates = bookings.values_list("date", flat=True)
    assert min(dates) < Booking.objects.get(reference="MH-DEMO01").date < max(dates)
    booking = bookings.filter(status="completed").first()
    assert booking.address.endswith(booking.zone)  # decrypts: written through the encrypted field
    assert booking.payments.filter(kind="balance", status="succeeded").exists()


@pytest.mark.django_db
def test_seed_scale_keeps_the_booking_invariants_and_customer_counters():
    seed("--scale", "2")

    for fields in (("chef", "date", "slot"), ("customer", "date", "slot")):
        doubled = (
            Booking.objects.filter(status__in=ACTIVE_BOOKING_STATUSES, chef__isnull=False)
            .values(*fields)
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        assert list(doubled) == []
    customer = Customer.objects.filter(email__startswith="scale-", booking_count__gt=0).first()
    received = sum(
        p.amount_cents for p in Payment.objects.filter(booking__customer=customer, succeeded_at__isnull=False)
    )
    assert customer.booking_count == customer.bookings.filter(status="completed").count()
    assert customer.total_spend_cents == received


@pytest.mark.django_db
def test_seed_scale_leaves_unassigned_a_party_whose_chef_was_booked_on_the_site_meanwhile():
    # Given a database whose first scale run's layout is known, and a party booked through the
    # site on a slot the next run plans for a chef
    seed("--scale", "1")
    planned = Booking.objects.filter(reference__startswith="MH-S").order_by("-date", "-slot").first()
    chef, date, slot = planned.chef, planned.date, planned.slot
    Payment.objects.filter(booking__reference__startswith="MH-S").delete()
    Booking.objects.filter(reference__startswith="MH-S").delete()
    site_booking = Booking.objects.exclude(reference__startswith="MH-S").filter(chef__isnull=False).first()
    Booking.objects.filter(pk=site_booking.pk).update(
        chef=chef, station=chef.station, date=date, slot=slot, status=Booking.Status.CONFIRMED
    )

    seed("--scale", "1")  # no IntegrityError: the chef keeps the site's party

    assert Booking.objects.get(reference=planned.reference).chef is None
    assert Booking.objects.get(pk=site_booking.pk).chef == chef


@pytest.mark.django_db
def test_seed_scale_a_second_run_writes_nothing_and_a_larger_n_adds_the_difference():
    seed("--scale", "1")
    first = scale_counts()

    assert "Nothing to do" in seed("--scale", "1")
    assert scale_counts() == first

    seed("--scale", "2")
    assert scale_counts() == {kind: 2 * count for kind, count in first.items()}


@pytest.mark.django_db
def test_seed_scale_is_refused_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        seed("--scale", "1")

    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_seed_scale_refuses_a_scale_below_one():
    with pytest.raises(CommandError, match="N >= 1"):
        seed("--scale", "0")
