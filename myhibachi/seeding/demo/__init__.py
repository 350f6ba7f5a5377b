"""Demo data for development and the admin's tests: every model gets realistic rows.

Rows are written directly, not through the services (history.py then writes the audit rows
and security events the services would have written, dated when each step happened): the demo
sets up histories (completed parties, refunds, escalations) that would otherwise take weeks of
calls and Stripe webhooks, and it must be fast. A booking still starts as the one input every
caller builds, a BookingRequest (bookings.py), turned into its row by the seeding-only
core.services.bookings.seeding.booking_build_for_seed (booking_create's checks and pricing).
It keeps the invariants the services keep: quotes computed by the pricing engine, lead scores
by the lead scoring, one active booking per chef and slot, customer counters equal to their
bookings and payments. Idempotent like the reference seed (see myhibachi/seeding/__init__.py).

Emails use example.com and the staff domain myhibachi.test, phones the fictional 555-01xx
range, so nothing reaches a real person. Days are offsets from today.
"""

from django.utils import timezone

from myhibachi.seeding.demo import (
    bookings,
    campaigns,
    history,
    leads,
    messages,
    payments,
    people,
    ratings,
    receipts,
    schedule,
)
from myhibachi.seeding.demo.context import DemoContext
from myhibachi.seeding.demo.people import DEMO_PASSWORD, Login
from myhibachi.seeding.reference import Reference
from myhibachi.seeding.rows import SeedReport

__all__ = ["DEMO_PASSWORD", "Login", "seed_demo"]


def seed_demo(report: SeedReport, reference: Reference) -> list[Login]:
    """Load the demo on top of the reference data; returns the staff logins to print."""
    ctx = DemoContext(report=report, reference=reference, now=timezone.now(), today=timezone.localdate())
    people.seed_stations(ctx)
    logins = people.seed_staff(ctx)
    people.seed_chefs(ctx)
    people.seed_customers(ctx)
    bookings.seed_bookings(ctx)
    bookings.seed_reviews(ctx)
    ratings.seed_chef_ratings(ctx)
    payments.seed_payments(ctx)
    payments.seed_stripe_events(ctx)
    leads.seed_leads(ctx)
    leads.seed_social(ctx)
    messages.seed_threads(ctx)
    messages.seed_notifications(ctx)
    messages.seed_conversations(ctx)
    campaigns.seed_campaigns(ctx)
    schedule.seed_calendar_feeds(ctx)
    receipts.seed_receipts(ctx)
    history.seed_history(ctx)
    payments.refresh_customer_counters(ctx)
    return logins
