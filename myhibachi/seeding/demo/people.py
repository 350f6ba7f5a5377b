"""The demo's second station, staff logins, chefs with their time off, and customers."""

import datetime
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.hashers import make_password

from core.models import Customer
from identity.models import Station, User, UserRole
from myhibachi.seeding.demo.context import FREMONT, SACRAMENTO, DemoContext
from myhibachi.seeding.reference import POLICY_EFFECTIVE_FROM
from myhibachi.seeding.rows import demo_id, ensure_row, ensure_rows
from ops.models import Chef, ChefAvailability
from ops.slots import parse_slot
from pricing.models import TravelFeeConfig

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
# A travel fee override, so that the admin shows one: the new station starts with a smaller
# free radius.
SACRAMENTO_TRAVEL = {"free_miles": 25, "price_per_mile_cents": 200, "max_distance_miles": 120}


class Login(NamedTuple):
    email: str
    role: str
    stations: str
    password: str


class StaffSpec(NamedTuple):
    email: str
    first_name: str
    last_name: str
    role: str
    stations: tuple[str, ...]  # empty: every station (super_admin)


CHEF_LOGIN = "chef@myhibachi.test"
STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("super_admin@myhibachi.test", "Alex", "Morgan", "super_admin", ()),
    StaffSpec("admin@myhibachi.test", "Jamie", "Rivera", "admin", (FREMONT, SACRAMENTO)),
    StaffSpec("manager.fremont@myhibachi.test", "Chris", "Patel", "station_manager", (FREMONT,)),
    StaffSpec("manager.sacramento@myhibachi.test", "Dana", "Brooks", "station_manager", (SACRAMENTO,)),
    StaffSpec("support@myhibachi.test", "Taylor", "Kim", "customer_support", (FREMONT,)),
    StaffSpec(CHEF_LOGIN, "Kenji", "Tanaka", "chef", (FREMONT,)),
)
STATION_MANAGERS = {
    FREMONT: "manager.fremont@myhibachi.test",
    SACRAMENTO: "manager.sacramento@myhibachi.test",
}


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


def seed_stations(ctx: DemoContext) -> None:
    """Fremont (reference) and Sacramento, with Sacramento's travel fee override."""
    sacramento = ensure_row(Station, Station(**SACRAMENTO_STATION), key=("code",), report=ctx.report)
    ctx.stations = {FREMONT: ctx.reference.fremont, SACRAMENTO: sacramento}
    ensure_row(
        TravelFeeConfig,
        TravelFeeConfig(
            station=sacramento,
            effective_from=POLICY_EFFECTIVE_FROM,
            note="Demo: a smaller free radius while the Sacramento station ramps up.",
            **SACRAMENTO_TRAVEL,
        ),
        key=("station_id", "effective_from"),
        report=ctx.report,
    )


def seed_staff(ctx: DemoContext) -> list[Login]:
    """One login per role (two station managers, to show station scoping)."""
    emails = [spec.email for spec in STAFF]
    # Hashing is slow on purpose: once, and only when a user is missing. Passwords are set
    # when a demo user is created and never reset by a later run.
    missing = User.objects.filter(email__in=emails).count() < len(emails)
    password = make_password(DEMO_PASSWORD) if missing else ""
    users = ensure_rows(
        User,
        [
            User(
                email=spec.email,
                first_name=spec.first_name,
                last_name=spec.last_name,
                password=password,
                is_staff=True,
                is_superuser=spec.role == "super_admin",
            )
            for spec in STAFF
        ],
        key=("email",),
        report=ctx.report,
    )
    ctx.users = {email: user for (email,), user in users.items()}
    ensure_rows(
        UserRole,
        [
            UserRole(
                user=ctx.users[spec.email],
                role=ctx.reference.roles[spec.role],
                station=ctx.stations.get(code),
            )
            for spec in STAFF
            for code in spec.stations or (None,)
        ],
        key=("user_id", "role_id", "station_id"),
        report=ctx.report,
    )
    return [
        Login(
            spec.email,
            spec.role,
            ", ".join(ctx.stations[code].name for code in spec.stations) or "all stations",
            DEMO_PASSWORD,
        )
        for spec in STAFF
    ]


def seed_chefs(ctx: DemoContext) -> None:
    chefs = ensure_rows(
        Chef,
        [
            Chef(
                email=spec.email,
                station=ctx.stations[spec.station],
                name=spec.name,
                phone=spec.phone,
                rating=Decimal(spec.rating),
                pay_tier=spec.pay_tier,
                user=ctx.users[spec.login] if spec.login else None,
            )
            for spec in CHEFS
        ],
        key=("email",),
        report=ctx.report,
    )
    ctx.chefs = {email: chef for (email,), chef in chefs.items()}
    ensure_rows(
        ChefAvailability,
        [
            ChefAvailability(
                id=demo_id("time-off", f"{email}:{day}"),
                chef=ctx.chefs[email],
                date=ctx.days_from_today(day),
                slot=parse_slot(slot) if slot else None,
                is_available=False,
                note=note,
            )
            for email, day, slot, note in TIME_OFF
        ],
        key=("id",),
        report=ctx.report,
    )


def seed_customers(ctx: DemoContext) -> None:
    def consent(days_ago: int | None, text: str) -> tuple[bool, datetime.datetime | None, str]:
        if days_ago is None:
            return False, None, ""
        return True, ctx.days_ago(days_ago), text

    rows = []
    for spec in CUSTOMERS:
        sms, sms_at, sms_text = consent(spec.sms_consent_days_ago, SMS_CONSENT_TEXT)
        email, email_at, email_text = consent(spec.email_consent_days_ago, EMAIL_CONSENT_TEXT)
        rows.append(
            Customer(
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=spec.email,
                phone=spec.phone,
                sms_consent=sms,
                sms_consent_at=sms_at,
                sms_consent_text=sms_text,
                email_consent=email,
                email_consent_at=email_at,
                email_consent_text=email_text,
            )
        )
    customers = ensure_rows(Customer, rows, key=("email",), report=ctx.report)
    ctx.customers = {email: customer for (email,), customer in customers.items()}
