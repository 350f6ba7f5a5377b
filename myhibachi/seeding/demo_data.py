"""The demo's people, bookings and conversations, as plain tables (demo.py turns them into rows).

Days are offsets from today (negative: in the past). Emails use example.com and the staff
domain myhibachi.test, phones the fictional 555-01xx range, so nothing here reaches a real
person. Booking references are MH-DEMOnn. Prices and lead scores are never written here:
demo.py computes them with the pricing engine and the lead scoring of the application.
"""

from decimal import Decimal
from typing import NamedTuple

from myhibachi.seeding.reference import FREMONT_CODE

FREMONT = FREMONT_CODE
SACRAMENTO = "CA-SACRAMENTO-001"

# Not a secret: printed by the command, development only (the demo is refused in production).
DEMO_PASSWORD = "hibachi-demo-2026"  # noqa: S105

SACRAMENTO_STATION = {
    "name": "Sacramento",
    "code": SACRAMENTO,
    "address": "1500 Capitol Ave",
    "city": "Sacramento",
    "state": "CA",
    "zip_code": "95814",
    "latitude": Decimal("38.576700"),
    "longitude": Decimal("-121.493400"),
    "phone": "+19165550100",
    "email": "sacramento@myhibachi.test",
}
# The demo's travel fee override: the new station starts with a smaller free radius.
SACRAMENTO_TRAVEL = {"free_miles": 25, "price_per_mile_cents": 200, "max_distance_miles": 120}


class StaffSpec(NamedTuple):
    email: str
    first_name: str
    last_name: str
    role: str
    stations: tuple[str, ...]  # empty: every station (super_admin)


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("super_admin@myhibachi.test", "Alex", "Morgan", "super_admin", ()),
    StaffSpec("admin@myhibachi.test", "Jamie", "Rivera", "admin", (FREMONT, SACRAMENTO)),
    StaffSpec("manager.fremont@myhibachi.test", "Chris", "Patel", "station_manager", (FREMONT,)),
    StaffSpec("manager.sacramento@myhibachi.test", "Dana", "Brooks", "station_manager", (SACRAMENTO,)),
    StaffSpec("support@myhibachi.test", "Taylor", "Kim", "customer_support", (FREMONT,)),
    StaffSpec("chef@myhibachi.test", "Kenji", "Tanaka", "chef", (FREMONT,)),
)
CHEF_LOGIN = "chef@myhibachi.test"


class ChefSpec(NamedTuple):
    email: str
    station: str
    name: str
    phone: str
    rating: str
    pay_tier: str
    login: str | None = None


CHEFS: tuple[ChefSpec, ...] = (
    ChefSpec(
        "kenji.tanaka@myhibachi.test", FREMONT, "Kenji Tanaka", "+15105550201", "4.9", "lead", CHEF_LOGIN
    ),
    ChefSpec("maria.santos@myhibachi.test", FREMONT, "Maria Santos", "+15105550202", "4.8", "senior"),
    ChefSpec("daniel.kim@myhibachi.test", FREMONT, "Daniel Kim", "+15105550203", "4.6", "standard"),
    ChefSpec("hiro.nakamura@myhibachi.test", FREMONT, "Hiro Nakamura", "+15105550204", "4.3", "trainee"),
    ChefSpec("luis.hernandez@myhibachi.test", SACRAMENTO, "Luis Hernandez", "+19165550201", "4.7", "senior"),
    ChefSpec("aiko.sato@myhibachi.test", SACRAMENTO, "Aiko Sato", "+19165550202", "4.5", "standard"),
    ChefSpec("tom.nguyen@myhibachi.test", SACRAMENTO, "Tom Nguyen", "+19165550203", "4.2", "trainee"),
)

# (chef email, day, slot or None for the whole day, note): time off, on days without bookings.
TIME_OFF: tuple[tuple[str, int, str | None, str], ...] = (
    ("daniel.kim@myhibachi.test", 20, None, "Family wedding"),
    ("daniel.kim@myhibachi.test", 24, "21:00", "Evening class"),
    ("tom.nguyen@myhibachi.test", 25, None, "Vacation"),
)

SMS_CONSENT_TEXT = (
    "I agree to receive booking updates and offers from My Hibachi by text message. Up to 8 "
    "msgs/month. Msg & data rates may apply. Reply STOP to opt out, HELP for help."
)
EMAIL_CONSENT_TEXT = (
    "Send me My Hibachi news and offers by email (up to 2 a week). I can unsubscribe at any time."
)


class CustomerSpec(NamedTuple):
    first_name: str
    last_name: str
    email: str
    phone: str
    sms_consent_days_ago: int | None = None  # None: never consented
    email_consent_days_ago: int | None = None


CUSTOMERS: tuple[CustomerSpec, ...] = (
    CustomerSpec("Emily", "Chen", "emily.chen@example.com", "+15105550101", 120, 120),
    CustomerSpec("Michael", "Johnson", "michael.johnson@example.com", "+15105550102", None, 90),
    CustomerSpec("Sofia", "Ramirez", "sofia.ramirez@example.com", "+15105550103", 60, None),
    CustomerSpec("David", "Park", "david.park@example.com", "+14085550104", 200, 200),
    CustomerSpec("Jessica", "Nguyen", "jessica.nguyen@example.com", "+15105550105"),
    CustomerSpec("Ryan", "O'Brien", "ryan.obrien@example.com", "+15105550106", None, 30),
    CustomerSpec("Aisha", "Khan", "aisha.khan@example.com", "+15105550107", 45, 45),
    CustomerSpec("Brandon", "Lee", "brandon.lee@example.com", "+14085550108"),
    CustomerSpec("Olivia", "Martinez", "olivia.martinez@example.com", "+19255550109", 10, None),
    CustomerSpec("Kevin", "Tran", "kevin.tran@example.com", "+14155550110", None, 15),
    CustomerSpec("Hannah", "Schmidt", "hannah.schmidt@example.com", "+16505550111"),
    CustomerSpec("Marcus", "Williams", "marcus.williams@example.com", "+14085550112", 5, 5),
    CustomerSpec("Grace", "Liu", "grace.liu@example.com", "+15105550113", None, 20),
    CustomerSpec("Carlos", "Mendoza", "carlos.mendoza@example.com", "+19165550114", 100, 100),
    CustomerSpec("Natalie", "Brooks", "natalie.brooks@example.com", "+19165550115", None, 70),
    CustomerSpec("Jason", "Wong", "jason.wong@example.com", "+19165550116"),
    CustomerSpec("Priyanka", "Shah", "priyanka.shah@example.com", "+19165550117", 25, None),
    CustomerSpec("Tyler", "Anderson", "tyler.anderson@example.com", "+19165550118", 12, 12),
    CustomerSpec("Mei Lin", "Huang", "meilin.huang@example.com", "+12095550119"),
    CustomerSpec("Samuel", "Okafor", "samuel.okafor@example.com", "+15105550120", None, 3),
)


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
    # Cancelled: 4+ days ahead with the deposit refunded; unpaid; approved inside 4 days.
    BookingSpec("MH-DEMO10", "sofia.ramirez@example.com", FREMONT, D, 16, "18:00", 12, 0, 0, (),
                "cancelled", "36020 Cedar Blvd", "Newark", "94560", "website",
                "Cancelled by the customer through the manage link, 4+ days ahead: deposit refunded."),
    BookingSpec("MH-DEMO11", "hannah.schmidt@example.com", FREMONT, K, 20, "18:00", 9, 0, 0, (),
                "cancelled", "40210 Fremont Blvd", "Fremont", "94538", "website",
                "Deposit not paid within 24 hours: cancelled automatically."),
    BookingSpec("MH-DEMO12", "tyler.anderson@example.com", SACRAMENTO, L, -3, "12:00", 10, 0, 0, (),
                "cancelled", "9120 Elk Grove Blvd", "Elk Grove", "95758", "website",
                "Cancellation requested inside 4 days; approved without refund."),
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
    # Cancellation requested inside the 4-day window.
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

# (booking, kind, method, status). Amounts follow the booking: deposit = its deposit, balance
# = total minus deposit, refund = the deposit (refund_of the deposit, which stays succeeded:
# a refund is its own row, as core/selectors.py counts them).
PAYMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("MH-DEMO01", "deposit", "stripe", "succeeded"),
    ("MH-DEMO01", "balance", "stripe", "succeeded"),
    ("MH-DEMO02", "deposit", "stripe", "succeeded"),
    ("MH-DEMO02", "balance", "zelle", "succeeded"),
    ("MH-DEMO03", "deposit", "stripe", "succeeded"),
    ("MH-DEMO03", "balance", "cash", "succeeded"),
    ("MH-DEMO04", "deposit", "stripe", "succeeded"),
    ("MH-DEMO04", "balance", "stripe", "succeeded"),
    ("MH-DEMO05", "deposit", "stripe", "succeeded"),
    ("MH-DEMO05", "balance", "stripe", "succeeded"),
    ("MH-DEMO06", "deposit", "stripe", "succeeded"),
    ("MH-DEMO06", "balance", "cash", "succeeded"),
    ("MH-DEMO07", "deposit", "stripe", "succeeded"),
    ("MH-DEMO07", "balance", "venmo", "succeeded"),
    ("MH-DEMO08", "deposit", "stripe", "succeeded"),
    ("MH-DEMO09", "deposit", "venmo", "succeeded"),
    ("MH-DEMO10", "deposit", "stripe", "succeeded"),
    ("MH-DEMO10", "refund", "stripe", "succeeded"),
    ("MH-DEMO12", "deposit", "stripe", "succeeded"),
    ("MH-DEMO13", "deposit", "stripe", "succeeded"),
    ("MH-DEMO14", "deposit", "stripe", "succeeded"),
    ("MH-DEMO15", "deposit", "zelle", "succeeded"),
    ("MH-DEMO16", "deposit", "stripe", "succeeded"),
    ("MH-DEMO17", "deposit", "stripe", "succeeded"),
    ("MH-DEMO18", "deposit", "stripe", "succeeded"),
    ("MH-DEMO19", "deposit", "stripe", "succeeded"),
    ("MH-DEMO20", "deposit", "cash", "succeeded"),
    ("MH-DEMO26", "deposit", "stripe", "succeeded"),
    ("MH-DEMO21", "deposit", "stripe", "pending"),
    ("MH-DEMO23", "deposit", "stripe", "failed"),
    ("MH-DEMO24", "deposit", "stripe", "succeeded"),
    ("MH-DEMO25", "deposit", "stripe", "succeeded"),
)
REFUND_REASON = "Cancelled 4 or more days before the event: deposit refunded."
FAILED_PAYMENT_REASON = "Card declined (insufficient funds)."

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


# (event id, type, status, booking, payment kind): Stripe webhooks behind demo payments, and one
# of a type we do not handle.
STRIPE_EVENTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("evt_demo_0001", "payment_intent.succeeded", "processed", "MH-DEMO13", "deposit"),
    ("evt_demo_0002", "payment_intent.succeeded", "processed", "MH-DEMO10", "deposit"),
    ("evt_demo_0003", "charge.refunded", "processed", "MH-DEMO10", "refund"),
    ("evt_demo_0004", "payment_intent.payment_failed", "processed", "MH-DEMO23", "deposit"),
    ("evt_demo_0005", "customer.created", "ignored", "", ""),
)


class ThreadSpec(NamedTuple):
    key: str
    customer: str
    booking: str | None
    channel: str
    status: str
    subject: str
    messages: tuple[tuple[str, str, str], ...]  # (direction, status, body)


THREADS: tuple[ThreadSpec, ...] = (
    ThreadSpec("emily-confirmation", "emily.chen@example.com", "MH-DEMO13", "sms", "open",
               "Booking MH-DEMO13", (
                   ("outbound", "delivered",
                    "My Hibachi: your party MH-DEMO13 is confirmed. Reply STOP to opt out."),
                   ("inbound", "received", "Thanks! Can we add gyoza for the kids?"),
                   ("outbound", "sent", "Of course! We'll add it to your booking and text the new total."),
               )),
    ThreadSpec("samuel-cancel", "samuel.okafor@example.com", "MH-DEMO24", "email", "needs_attention",
               "Cancel my party", (
                   ("inbound", "received",
                    "Hi, we have a family emergency and need to cancel our party this week. "
                    "Is there any way to get the deposit back?"),
               )),
    ThreadSpec("carlos-review", "carlos.mendoza@example.com", "MH-DEMO05", "sms", "closed",
               "Review request", (
                   ("outbound", "delivered",
                    "My Hibachi: thanks for hosting with us! How did we do? Reply STOP to opt out."),
                   ("inbound", "received", "It was amazing, thank you!"),
               )),
    ThreadSpec("jason-no-show", "jason.wong@example.com", "MH-DEMO09", "phone", "closed",
               "No-show follow-up", (
                   ("outbound", "sent",
                    "Called about the no-show: the customer was out of town and forgot the date."),
               )),
)  # fmt: skip


class LeadSpec(NamedTuple):
    key: str
    first_name: str
    last_name: str
    source: str
    status: str
    station: str | None
    contacts: tuple[tuple[str, str, bool], ...]  # (channel, handle or address, verified)
    context: tuple[int | None, int | None, int | None, int | None, str, str]
    # (event day, adults, kids, budget cents, ZIP, message)
    events: tuple[tuple[str, int, dict], ...]  # (event type, days ago, payload)
    customer: str | None = None  # email of the customer a converted lead became
    assigned_to: str | None = None  # staff email
    notes: str = ""


LEADS: tuple[LeadSpec, ...] = (
    LeadSpec("anjali-gupta", "Anjali", "Gupta", "web_quote", "new", FREMONT,
             (("email", "anjali.gupta@example.com", False), ("phone", "+15105550301", False)),
             (30, 15, 2, 90000, "94539", "Backyard birthday party for my husband."),
             (("lead_created", 1, {}), ("quote_requested", 1, {"adults": 15, "kids": 2}))),
    LeadSpec("jordan-ellis", "Jordan", "Ellis", "instagram", "new", FREMONT,
             (("instagram", "jordan.eats", False),),
             (None, 20, None, None, "", "How much for 20 people?"),
             (("lead_created", 2, {}),)),
    LeadSpec("derek-shaw", "Derek", "Shaw", "booking_failed", "new", FREMONT,
             (("email", "derek.shaw@example.com", False),),
             (4, 10, 0, None, "94538", "Wanted the 18:00 slot; it was full."),
             (("lead_created", 0, {}), ("booking_failed", 0, {"reason": "slot_full", "slot": "18:00"}))),
    LeadSpec("linda-morales", "Linda", "Morales", "chat", "contacted", FREMONT,
             (("email", "linda.morales@example.com", True),),
             (45, 10, 0, None, "94555", "Graduation party, asked the assistant about upgrades."),
             (("lead_created", 3, {}), ("contacted", 2, {"channel": "email"})),
             None, "support@myhibachi.test"),
    LeadSpec("nancy-fischer", "Nancy", "Fischer", "phone", "contacted", FREMONT,
             (("phone", "+14085550302", True), ("email", "nancy.fischer@example.com", False)),
             (60, 30, 0, 250000, "94301", "Corporate team party for 30 people."),
             (("lead_created", 4, {}), ("contacted", 3, {"channel": "phone"})),
             None, "manager.fremont@myhibachi.test"),
    LeadSpec("robert-kim", "Robert", "Kim", "referral", "qualified", FREMONT,
             (("email", "robert.kim@example.com", True), ("phone", "+15105550303", True)),
             (20, 12, 2, 100000, "94536", "Referred by David Park."),
             (("lead_created", 5, {}), ("contacted", 4, {"channel": "phone"}),
              ("checked_availability", 1, {"slot": "18:00"})),
             None, "manager.fremont@myhibachi.test"),
    LeadSpec("omar-haddad", "Omar", "Haddad", "event", "qualified", SACRAMENTO,
             (("email", "omar.haddad@example.com", True),),
             (35, 10, 4, None, "95819", "Met us at the Sacramento food festival."),
             (("lead_created", 12, {}), ("contacted", 10, {"channel": "email"}))),
    LeadSpec("emma-wilson", "Emma", "Wilson", "facebook", "nurturing", FREMONT,
             (("facebook", "emma.wilson.52", False), ("email", "emma.wilson@example.com", True)),
             (150, 8, 0, None, "94560", "Summer graduation party."),
             (("lead_created", 40, {}), ("contacted", 38, {"channel": "facebook"})),
             None, None, "Follow up a month before the party."),
    LeadSpec("kevin-tran", "Kevin", "Tran", "chat", "converted", FREMONT,
             (("email", "kevin.tran@example.com", True), ("phone", "+14155550110", True)),
             (9, 20, 5, 150000, "94301", "Company picnic with seafood upgrades."),
             (("lead_created", 25, {}), ("quote_requested", 25, {"adults": 20, "kids": 5}),
              ("started_booking", 20, {}), ("completed_booking", 20, {"reference": "MH-DEMO15"})),
             "kevin.tran@example.com"),
    LeadSpec("patricia-gomez", "Patricia", "Gomez", "yelp", "lost", FREMONT,
             (("email", "patricia.gomez@example.com", False),),
             (None, 6, 0, None, "95035", "Small dinner party."),
             (("lead_created", 30, {}), ("status_changed", 20, {"from": "contacted", "to": "lost"})),
             None, None, "Went with a restaurant instead."),
    LeadSpec("wei-zhang", "Wei", "Zhang", "google", "new", SACRAMENTO,
             (("phone", "+19165550304", False),),
             (70, 9, 0, None, "95630", ""),
             (("lead_created", 6, {}),)),
    LeadSpec("olga-petrova", "Olga", "Petrova", "sms", "lost", SACRAMENTO,
             (("phone", "+19165550305", False),),
             (None, None, None, None, "95661", "Texted for prices, no reply since."),
             (("lead_created", 60, {}),)),
)  # fmt: skip

# (platform, account id, handle, station)
SOCIAL_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("instagram", "17841400000000101", "myhibachichef", FREMONT),
    ("facebook", "100000000000101", "myhibachichef", FREMONT),
    ("yelp", "my-hibachi-fremont", "My Hibachi Fremont", FREMONT),
    ("instagram", "17841400000000102", "myhibachi.sac", SACRAMENTO),
)
# (platform, handle, customer email or None, lead key or None)
SOCIAL_IDENTITIES: tuple[tuple[str, str, str | None, str | None], ...] = (
    ("instagram", "jordan.eats", None, "jordan-ellis"),
    ("facebook", "emma.wilson.52", None, "emma-wilson"),
    ("instagram", "emilycooks", "emily.chen@example.com", None),
)


class ConversationSpec(NamedTuple):
    key: str
    channel: str
    status: str
    station: str
    customer: str | None
    lead: str | None
    escalation_reason: str
    messages: tuple[tuple[str, str, str | None], ...]  # (role, content, confidence)


CONVERSATIONS: tuple[ConversationSpec, ...] = (
    ConversationSpec("anjali-quote", "web", "active", FREMONT, None, "anjali-gupta", "", (
        ("user", "Hi! How much would a hibachi party for 15 adults and 2 kids be in Fremont?", None),
        ("assistant",
         "For 15 adults at $55 and 2 kids at $30 the food comes to $885. Fremont 94539 is within "
         "our 30 free miles, so there is no travel fee: $885 in total, with a $100 deposit to book. "
         "Gratuity for the chef (20-35%) is not included.", "0.940"),
        ("user", "Great. Could we do a Saturday evening next month?", None),
        ("assistant",
         "Happy to check a date for you. Which Saturday would you like, and what email should "
         "we send the details to?", "0.880"),
        ("user", "The 18th, in the evening. anjali.gupta@example.com", None),
    )),
    ConversationSpec("samuel-refund", "sms", "escalated", FREMONT, "samuel.okafor@example.com", None,
                     "Refund request inside the 4-day window", (
        ("user", "I need to cancel my party on Friday, family emergency. Can I get my deposit back?", None),
        ("assistant",
         "I'm sorry to hear that. Your party is less than 4 days away, so I've passed your "
         "cancellation and refund request to our team; someone will reply shortly.", "0.710"),
        ("system", "Escalated to staff: refund request.", None),
    )),
    ConversationSpec("nancy-corporate", "web", "escalated", FREMONT, None, "nancy-fischer",
                     "Corporate event with 30 or more guests", (
        ("user", "We're planning a corporate team party for 30 people in Palo Alto.", None),
        ("assistant",
         "Thanks! For corporate events and parties of 30 or more our events team will put "
         "together your quote; I've asked them to call you.", "0.820"),
    )),
    ConversationSpec("jordan-vegetarian", "instagram", "closed", FREMONT, None, "jordan-ellis", "", (
        ("user", "Do you have vegetarian options?", None),
        ("assistant",
         "Yes: tofu is one of our five base proteins, and every meal includes fried rice, "
         "vegetables, salad and our sauces.", "0.970"),
        ("staff", "Thanks Jordan! Send us your date and guest count for a quote.", None),
    )),
)  # fmt: skip


class SegmentSpec(NamedTuple):
    name: str
    description: str
    rules: tuple[tuple[str, str, str], ...]  # (field, operator, value)


SEGMENTS: tuple[SegmentSpec, ...] = (
    SegmentSpec(
        "Past guests with email opt-in",
        "Customers who completed a party and agreed to marketing email.",
        (("booking_count", "greater_than", "0"), ("email_consent", "equals", "true")),
    ),
    SegmentSpec(
        "Fremont area",
        "Customers who booked in the ZIP codes around the Fremont station.",
        (("zone", "in", "94536,94538,94539,94555,94560,94587,95035"),),
    ),
)


class CampaignSpec(NamedTuple):
    key: str
    name: str
    channel: str
    segment: str
    subject: str
    content: str
    status: str
    sent_days_ago: int | None
    deliveries: tuple[tuple[str, str], ...]  # (customer email, delivery status)


CAMPAIGNS: tuple[CampaignSpec, ...] = (
    CampaignSpec(
        "spring-parties",
        "Spring parties are booking up",
        "email",
        "Past guests with email opt-in",
        "Book your spring hibachi party",
        "Thanks for hosting with My Hibachi! Spring weekends are filling up: book your next "
        "party now and pick your favourite chef's evening slot.",
        "draft",
        None,
        (),
    ),
    CampaignSpec(
        "weekend-slots",
        "Weekend slots open",
        "sms",
        "Fremont area",
        "",
        "My Hibachi: a few weekend evening slots just opened up. Book at myhibachichef.com. "
        "Reply STOP to opt out.",
        "sent",
        7,
        (
            ("emily.chen@example.com", "sent"),
            ("david.park@example.com", "sent"),
            ("sofia.ramirez@example.com", "sent"),
            ("aisha.khan@example.com", "sent"),
            ("marcus.williams@example.com", "skipped_cap"),
            ("jessica.nguyen@example.com", "skipped_no_consent"),
            ("brandon.lee@example.com", "skipped_no_consent"),
        ),
    ),
)
