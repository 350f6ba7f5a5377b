"""The demo's bookings, one or more in every status at both stations, and their reviews.

Each booking is asked for with a `BookingRequest`, the one input the API, the admin and the
seed build (`request_of`). The demo's bookings have a past (paid, cancelled, completed, each
step dated in history.py), which booking_create cannot make now; the row is built from the
request by the seeding-only `booking_build_for_seed` (same checks, quote, address and day-of
contact as booking_create), then given what happened since. tests/myhibachi/test_seed.py
books every upcoming demo request through booking_create, so the two cannot drift apart.
"""

import datetime
from typing import NamedTuple

from core.availability import slot_starts_at
from core.models import Booking, Review
from core.services.bookings import BookingRequest
from core.services.bookings.seeding import booking_build_for_seed
from myhibachi.seeding.demo.context import FREMONT, SACRAMENTO, DemoContext
from myhibachi.seeding.rows import ensure_rows
from ops.policy import DEFAULT_BOOKING_RULES, duration_words

EVENT_HOURS = 3  # how long a party lasts, for completed_at
# The demo's wording of the rules, from their one home (ops/policy.py), never written here.
REFUND_NOTICE = duration_words(DEFAULT_BOOKING_RULES.refund_notice)
DEPOSIT_DEADLINE = duration_words(DEFAULT_BOOKING_RULES.deposit_deadline)


class BookingSpec(NamedTuple):
    reference: str
    customer: str  # email
    station: str
    chef: str | None  # chef email; None: not assigned yet
    day: int
    slot: str
    adults: int
    kids: int
    toddlers: int
    items: tuple[tuple[str, int], ...]  # (addon code, servings)
    status: str
    street: str
    city: str
    zip_code: str
    source: str = "website"
    note: str = ""  # cancellation reason, or the flag reason of an unassigned booking


K, M, D, H = (
    "kenji.tanaka@myhibachi.test",
    "maria.santos@myhibachi.test",
    "daniel.kim@myhibachi.test",
    "hiro.nakamura@myhibachi.test",
)
L, A, T = "luis.hernandez@myhibachi.test", "aiko.sato@myhibachi.test", "tom.nguyen@myhibachi.test"

# Active bookings (deposit_pending, confirmed, cancellation_requested) never share a chef,
# date and slot (ix_core_bookings_chef_slot_unique); tests/myhibachi/test_seed.py checks it.
BOOKINGS: tuple[BookingSpec, ...] = (
    # Completed, in the past.
    BookingSpec("MH-DEMO01", "emily.chen@example.com", FREMONT, K, -42, "18:00", 10, 2, 0, (),
                "completed", "2450 Mission Blvd", "Fremont", "94539"),
    BookingSpec("MH-DEMO02", "david.park@example.com", FREMONT, M, -35, "15:00", 12, 0, 0,
                (("filet_mignon", 4),), "completed", "39350 Paseo Padre Pkwy", "Fremont", "94536", "phone"),
    BookingSpec("MH-DEMO03", "jessica.nguyen@example.com", FREMONT, D, -28, "18:00", 8, 3, 1, (),
                "completed", "34600 Ardenwood Blvd", "Fremont", "94555"),
    BookingSpec("MH-DEMO04", "aisha.khan@example.com", FREMONT, K, -21, "12:00", 15, 4, 0,
                (("lobster_tail", 6),), "completed", "1520 Calaveras Blvd", "Milpitas", "95035", "referral"),
    BookingSpec("MH-DEMO05", "carlos.mendoza@example.com", SACRAMENTO, L, -30, "18:00", 10, 2, 0, (),
                "completed", "5420 J St", "Sacramento", "95819"),
    BookingSpec("MH-DEMO06", "natalie.brooks@example.com", SACRAMENTO, A, -14, "18:00", 14, 0, 0,
                (("gyoza", 2), ("edamame", 4)), "completed", "215 Blue Ravine Rd", "Folsom", "95630"),
    BookingSpec("MH-DEMO07", "marcus.williams@example.com", FREMONT, H, -10, "21:00", 9, 1, 0, (),
                "completed", "33150 Alvarado-Niles Rd", "Union City", "94587"),
    # No-shows.
    BookingSpec("MH-DEMO08", "brandon.lee@example.com", FREMONT, M, -17, "18:00", 10, 0, 0, (),
                "no_show", "4120 Stevenson Blvd", "Fremont", "94538"),
    BookingSpec("MH-DEMO09", "jason.wong@example.com", SACRAMENTO, T, -9, "15:00", 8, 2, 0, (),
                "no_show", "1010 Galleria Blvd", "Roseville", "95661", "phone"),
    # Cancelled: the refund notice ahead with the deposit refunded; unpaid; approved inside it.
    BookingSpec("MH-DEMO10", "sofia.ramirez@example.com", FREMONT, D, 16, "18:00", 12, 0, 0, (),
                "cancelled", "36020 Cedar Blvd", "Newark", "94560", "website",
                f"Cancelled through the manage link, {REFUND_NOTICE}+ ahead: deposit refunded."),
    BookingSpec("MH-DEMO11", "hannah.schmidt@example.com", FREMONT, K, 20, "18:00", 9, 0, 0, (),
                "cancelled", "40210 Fremont Blvd", "Fremont", "94538", "website",
                f"Deposit not paid within {DEPOSIT_DEADLINE}: cancelled automatically."),
    BookingSpec("MH-DEMO12", "tyler.anderson@example.com", SACRAMENTO, L, -3, "12:00", 10, 0, 0, (),
                "cancelled", "9120 Elk Grove Blvd", "Elk Grove", "95758", "website",
                f"Cancellation requested inside {REFUND_NOTICE}; approved without refund."),
    # Confirmed, coming up (two Fremont chefs work the same evening: capacity is per chef).
    BookingSpec("MH-DEMO13", "emily.chen@example.com", FREMONT, K, 6, "18:00", 10, 4, 0, (),
                "confirmed", "2450 Mission Blvd", "Fremont", "94539"),
    BookingSpec("MH-DEMO14", "michael.johnson@example.com", FREMONT, M, 6, "18:00", 14, 0, 0,
                (("yakisoba_noodles", 6),), "confirmed", "2030 Portola Ave", "Livermore", "94550"),
    BookingSpec("MH-DEMO15", "kevin.tran@example.com", FREMONT, D, 9, "15:00", 20, 5, 2,
                (("salmon", 5), ("scallops", 5)), "confirmed", "520 University Ave", "Palo Alto", "94301",
                "chat"),
    BookingSpec("MH-DEMO16", "olivia.martinez@example.com", FREMONT, H, 13, "12:00", 8, 0, 0, (),
                "confirmed", "6150 Almaden Expy", "San Jose", "95120"),
    BookingSpec("MH-DEMO17", "ryan.obrien@example.com", FREMONT, K, 27, "18:00", 16, 2, 0,
                (("extra_protein", 4),), "confirmed", "120 Hayes St", "San Francisco", "94102"),
    BookingSpec("MH-DEMO18", "priyanka.shah@example.com", SACRAMENTO, A, 8, "18:00", 12, 0, 0, (),
                "confirmed", "1420 K St", "Sacramento", "95814"),
    BookingSpec("MH-DEMO19", "carlos.mendoza@example.com", SACRAMENTO, L, 15, "21:00", 10, 3, 0, (),
                "confirmed", "5420 J St", "Sacramento", "95819"),
    BookingSpec("MH-DEMO20", "david.park@example.com", FREMONT, M, 45, "15:00", 11, 0, 0, (),
                "confirmed", "39350 Paseo Padre Pkwy", "Fremont", "94536", "staff"),
    BookingSpec("MH-DEMO26", "marcus.williams@example.com", FREMONT, None, 5, "21:00", 10, 0, 0, (),
                "confirmed", "33150 Alvarado-Niles Rd", "Union City", "94587", "phone",
                "No chef assigned yet."),
    # Deposit pending: due soon; on a staff hold; a failed card payment.
    BookingSpec("MH-DEMO21", "grace.liu@example.com", FREMONT, D, 10, "18:00", 10, 0, 0, (),
                "deposit_pending", "3900 Stevenson Blvd", "Fremont", "94538"),
    BookingSpec("MH-DEMO22", "aisha.khan@example.com", FREMONT, H, 31, "18:00", 12, 2, 0, (),
                "deposit_pending", "410 Beach St", "Santa Cruz", "95060", "phone"),
    BookingSpec("MH-DEMO23", "meilin.huang@example.com", SACRAMENTO, T, 18, "18:00", 9, 0, 0, (),
                "deposit_pending", "110 S School St", "Lodi", "95240"),
    # Cancellation requested inside the refund notice.
    BookingSpec("MH-DEMO24", "samuel.okafor@example.com", FREMONT, K, 3, "18:00", 11, 0, 0, (),
                "cancellation_requested", "38800 Fremont Blvd", "Fremont", "94536", "website",
                "Family emergency; asked to cancel 3 days before the party."),
    BookingSpec("MH-DEMO25", "natalie.brooks@example.com", SACRAMENTO, A, 2, "15:00", 10, 0, 0, (),
                "cancellation_requested", "215 Blue Ravine Rd", "Folsom", "95630", "website",
                "Venue changed; asked to cancel 2 days before the party."),
)  # fmt: skip

# Deposits of pending bookings: when they fall due, relative to now.
DEPOSIT_DUE_IN_HOURS = {"MH-DEMO21": 20, "MH-DEMO22": -2, "MH-DEMO23": 6}
PAYMENT_HOLDS = {"MH-DEMO22": "Customer paying by Zelle on Monday; hold agreed by phone."}
# Cancelled bookings: the status they were cancelled from and how many days ago.
CANCELLED = {
    "MH-DEMO10": (Booking.Status.CONFIRMED, 2),
    "MH-DEMO11": (Booking.Status.DEPOSIT_PENDING, 1),
    "MH-DEMO12": (Booking.Status.CANCELLATION_REQUESTED, 4),
}
# What a cancellation made due back to the customer (paid by the refund in payments.py).
REFUND_DUE = {"MH-DEMO10"}

# (booking, rating, status, content) for completed bookings.
REVIEWS: tuple[tuple[str, int, str, str], ...] = (
    (
        "MH-DEMO01",
        5,
        "approved",
        "Kenji was amazing: great food, great show, the kids loved the onion volcano.",
    ),
    (
        "MH-DEMO02",
        5,
        "approved",
        "The filet mignon upgrade was worth it. Everyone is still talking about it.",
    ),
    ("MH-DEMO04", 4, "approved", "Delicious lobster and very professional. Arrived a little late."),
    ("MH-DEMO05", 5, "approved", "Best birthday party we've hosted. Luis was fantastic with the guests."),
    ("MH-DEMO06", 4, "pending", "Food was great; the gyoza were a hit."),
    ("MH-DEMO07", 5, "pending", "Hiro did a great job for our anniversary dinner."),
)


def seed_bookings(ctx: DemoContext) -> None:
    """The bookings, priced by the pricing engine; existing references are left as they are."""
    references = [spec.reference for spec in BOOKINGS]
    existing = set(Booking.objects.filter(reference__in=references).values_list("reference", flat=True))
    rows = [_booking(ctx, spec) for spec in BOOKINGS if spec.reference not in existing]
    ensure_rows(Booking, rows, key=("reference",), report=ctx.report)
    ctx.bookings = Booking.objects.defer("address").in_bulk(references, field_name="reference")


def request_of(ctx: DemoContext, spec: BookingSpec) -> BookingRequest:
    """What the customer (or staff, for them) asked for: the request booking_create takes."""
    customer = ctx.customers[spec.customer]
    return BookingRequest(
        customer={
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "email": customer.email,
            "phone": customer.phone,
            "sms_consent": customer.sms_consent,
            "email_consent": customer.email_consent,
        },
        date=ctx.days_from_today(spec.day),
        slot=spec.slot,
        address={"line1": spec.street, "city": spec.city, "state": "CA", "zip_code": spec.zip_code},
        party_adults=spec.adults,
        party_kids=spec.kids,
        party_toddlers=spec.toddlers,
        items=tuple({"code": code, "quantity": quantity} for code, quantity in spec.items),
        special_requests=PAYMENT_HOLDS.get(spec.reference, ""),
        source=spec.source,
    )


def _booking(ctx: DemoContext, spec: BookingSpec) -> Booking:
    customer = ctx.customers[spec.customer]
    booking = booking_build_for_seed(
        request=request_of(ctx, spec),
        customer=customer,
        reference=spec.reference,
        status=spec.status,
        chef=ctx.chefs[spec.chef] if spec.chef else None,
        quoted_on=ctx.today,
        contact_consent_at=customer.sms_consent_at,
    )
    if booking.station.code != spec.station:
        raise ValueError(
            f"Demo booking {spec.reference}: ZIP {spec.zip_code} is served by {booking.station.code}, "
            f"not {spec.station}; is a demo station inactive?"
        )
    if spec.status == Booking.Status.DEPOSIT_PENDING:
        booking.deposit_due_at = ctx.now + datetime.timedelta(hours=DEPOSIT_DUE_IN_HOURS[spec.reference])
        booking.payment_hold = spec.reference in PAYMENT_HOLDS
    elif spec.status == Booking.Status.CANCELLATION_REQUESTED:
        booking.previous_status = Booking.Status.CONFIRMED
        booking.cancellation_reason = spec.note
        booking.flagged_for_staff = True
        booking.flag_reason = f"Cancellation requested inside {REFUND_NOTICE}: approve or reject."
    elif spec.status == Booking.Status.CANCELLED:
        booking.previous_status, days_ago = CANCELLED[spec.reference]
        booking.cancellation_reason = spec.note
        booking.cancelled_at = ctx.days_ago(days_ago)
        booking.refund_due_cents = booking.deposit_due_cents if spec.reference in REFUND_DUE else 0
    elif spec.status == Booking.Status.COMPLETED:
        start = slot_starts_at(station=booking.station, date=booking.date, slot=booking.slot)
        booking.completed_at = start + datetime.timedelta(hours=EVENT_HOURS)
    if spec.chef is None:
        booking.flagged_for_staff = True
        booking.flag_reason = spec.note
    return booking


def seed_reviews(ctx: DemoContext) -> None:
    rows = []
    for reference, rating, status, content in REVIEWS:
        booking = ctx.bookings[reference]
        review = Review(
            booking=booking, customer_id=booking.customer_id, rating=rating, content=content, status=status
        )
        if status != Review.Status.PENDING:
            review.moderated_at = booking.completed_at + datetime.timedelta(days=2)
        rows.append(review)
    ensure_rows(Review, rows, key=("booking_id",), report=ctx.report)
