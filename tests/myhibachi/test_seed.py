from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import RequestFactory
from django.utils import timezone

from ai.engine.knowledge import fill, knowledge_body_errors
from ai.engine.policy import placeholder_values, policy_figures
from ai.models import Knowledge
from core.models import ACTIVE_BOOKING_STATUSES, Booking, Customer, Payment
from core.services.payments import booking_balance_due_cents, booking_net_paid_cents
from crm.models import Lead
from identity import catalog
from identity.models import Permission, Role, RolePermission, Station, User, UserRole
from leads.services.scores import rescore
from ops.models import Chef
from ops.slots import DEFAULT_SLOT_TIMES
from pricing.models import AddonItem, MenuItem, PricingPolicy
from pricing.quote import quote_compute

PROJECT_APPS = ("identity", "pricing", "audit", "ops", "core", "leads", "crm", "ai")


def project_models():
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every project table, every column, in primary-key order."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in project_models()
    }


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


# --- The catalog -----------------------------------------------------------------------------


def test_every_role_of_the_domain_is_in_the_catalog_with_its_tier():
    assert dict(catalog.ROLE_TIERS) == {
        "super_admin": 4,
        "admin": 3,
        "station_manager": 2,
        "customer_support": 2,
        "chef": 1,
    }
    assert set(catalog.ROLE_TIERS) == set(Role.Name.values)


def test_customer_support_has_no_finance_rights():
    support = catalog.ROLE_PERMISSIONS["customer_support"]
    assert "payment.refund" not in support
    assert "payment.report" not in support
    assert "payment.record" not in support
    assert {"booking.cancel", "booking.reschedule", "lead.convert", "conversation.handle"} <= support


def test_station_manager_can_refund_and_export_but_not_manage_users():
    manager = catalog.ROLE_PERMISSIONS["station_manager"]
    assert {"payment.refund", "booking.export", "booking.assign_chef", "availability.create"} <= manager
    assert "user.manage" not in manager


def test_chef_reads_bookings_and_keeps_their_availability_only():
    assert catalog.ROLE_PERMISSIONS["chef"] == {
        "booking.read",
        "availability.read",
        "availability.create",
        "availability.update",
    }


def test_super_admin_holds_every_permission_and_every_code_is_resource_dot_action():
    assert catalog.ROLE_PERMISSIONS["super_admin"] == set(catalog.PERMISSIONS)
    for code in catalog.PERMISSIONS:
        resource, action = code.split(".")
        assert resource in catalog.RESOURCE_ACTIONS and action
    assert {"booking.cancel", "payment.refund", "lead.convert", "audit.read", "user.manage"} <= set(
        catalog.PERMISSIONS
    )


def test_permissions_for_is_the_union_of_the_roles():
    granted = catalog.permissions_for(["chef", "customer_support"])
    assert "availability.create" in granted and "lead.convert" in granted
    assert catalog.permissions_for(["no_such_role"]) == frozenset()
    assert catalog.role_has_permission("station_manager", "payment.refund")
    assert not catalog.role_has_permission("customer_support", "payment.refund")


# --- Reference seed --------------------------------------------------------------------------


@pytest.mark.django_db
def test_reference_seed_loads_the_domain_defaults():
    seed()

    policy = PricingPolicy.objects.get()
    assert (policy.adult_price_cents, policy.kid_price_cents, policy.toddler_price_cents) == (5500, 3000, 0)
    assert (policy.party_minimum_cents, policy.deposit_cents) == (55000, 10000)
    assert policy.road_factor == Decimal("1.25")
    assert (policy.gratuity_min_percent, policy.gratuity_max_percent) == (20, 35)

    fremont = Station.objects.get(code="CA-FREMONT-001")
    assert (fremont.free_miles, fremont.price_per_mile_cents, fremont.max_distance_miles) == (30, 200, 150)
    assert (fremont.address, fremont.zip_code, fremont.timezone) == (
        "47481 Towhee St",
        "94539",
        "America/Los_Angeles",
    )
    assert fremont.tax_rate_percent == 0

    assert dict(AddonItem.objects.values_list("code", "price_cents")) == {
        "salmon": 500,
        "scallops": 500,
        "filet_mignon": 500,
        "lobster_tail": 1500,
        "yakisoba_noodles": 500,
        "extra_fried_rice": 500,
        "extra_vegetables": 500,
        "edamame": 500,
        "gyoza": 1000,
        "extra_protein": 1000,
    }
    assert set(AddonItem.objects.filter(kind="upgrade").values_list("code", flat=True)) == {
        "salmon",
        "scallops",
        "filet_mignon",
        "lobster_tail",
    }
    assert set(MenuItem.objects.filter(category="protein").values_list("code", flat=True)) == {
        "chicken",
        "ny_strip_steak",
        "shrimp",
        "calamari",
        "tofu",
    }
    assert MenuItem.objects.filter(category="included").count() == 4
    assert not MenuItem.objects.exclude(price_cents=0).exists()


@pytest.mark.django_db
def test_reference_seed_mirrors_the_catalog_into_the_tables():
    seed()

    assert dict(Role.objects.values_list("name", "tier")) == dict(catalog.ROLE_TIERS)
    assert set(Permission.objects.values_list("code", flat=True)) == set(catalog.PERMISSIONS)
    for role_name, codes in catalog.ROLE_PERMISSIONS.items():
        granted = RolePermission.objects.filter(role__name=role_name).values_list(
            "permission__code", flat=True
        )
        assert set(granted) == codes
    assert not RolePermission.objects.filter(
        role__name="customer_support", permission__code="payment.refund"
    ).exists()


@pytest.mark.django_db
def test_knowledge_base_answers_with_the_domain_numbers_filled_from_catalogue_and_policy():
    seed()

    values = placeholder_values(policy_figures(station=Station.objects.get(code="CA-FREMONT-001")))
    answers = {entry.title: fill(entry.body, values) for entry in Knowledge.objects.all()}
    assert "$55" in answers["Prices per guest and the party minimum"]
    assert "$550" in answers["Prices per guest and the party minimum"]
    assert "4 or more days" in answers["Cancellation and refund policy"]
    assert "72 hours" in answers["Rescheduling and changing a booking"]
    assert "30 miles" in answers["Service area and travel fee"]
    assert "$2 per mile" in answers["Service area and travel fee"]
    assert "20-35 percent" in answers["Gratuity and tips"]
    assert "$100" in answers["Deposit and paying the balance"]
    assert {"menu", "pricing", "policy", "service_area", "faq"} <= set(
        Knowledge.objects.values_list("category", flat=True)
    )


@pytest.mark.django_db
def test_seeded_knowledge_types_no_price_or_policy_figure():
    seed()

    for entry in Knowledge.objects.all():
        assert knowledge_body_errors(entry.body) == [], entry.title


@pytest.mark.django_db
def test_reference_seed_twice_changes_nothing():
    seed()
    first = snapshot()

    output = seed()

    assert snapshot() == first
    assert "Nothing to do" in output


@pytest.mark.django_db
def test_reference_seed_keeps_staff_edits_to_business_settings():
    seed()
    PricingPolicy.objects.update(adult_price_cents=6000)
    Station.objects.filter(code="CA-FREMONT-001").update(free_miles=25)
    Knowledge.objects.filter(title="Gratuity and tips").update(body="Edited by staff.")

    seed()

    assert PricingPolicy.objects.get().adult_price_cents == 6000
    assert Station.objects.get(code="CA-FREMONT-001").free_miles == 25
    assert Knowledge.objects.get(title="Gratuity and tips").body == "Edited by staff."


@pytest.mark.django_db
def test_reference_seed_puts_role_grants_back_in_line_with_the_catalog():
    seed()
    support = Role.objects.get(name="customer_support")
    RolePermission.objects.create(role=support, permission=Permission.objects.get(code="payment.refund"))
    RolePermission.objects.filter(role__name="chef", permission__code="booking.read").delete()
    Role.objects.filter(name="chef").update(tier=3)

    seed()

    assert not RolePermission.objects.filter(role=support, permission__code="payment.refund").exists()
    assert RolePermission.objects.filter(role__name="chef", permission__code="booking.read").exists()
    assert Role.objects.get(name="chef").tier == 1


# --- Demo seed -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_seed_twice_changes_nothing():
    seed("--demo")
    first = snapshot()

    output = seed("--demo")

    assert snapshot() == first
    assert "Nothing to do" in output


@pytest.mark.django_db
def test_demo_seed_after_the_reference_seed_adds_to_it():
    seed()
    reference_counts = {label: len(rows) for label, rows in snapshot().items()}

    seed("--demo")

    counts = {label: len(rows) for label, rows in snapshot().items()}
    assert counts["pricing.PricingPolicy"] == reference_counts["pricing.PricingPolicy"] == 1
    assert counts["identity.Permission"] == reference_counts["identity.Permission"]
    assert counts["core.Booking"] > 0


@pytest.mark.django_db
def test_demo_seed_gives_every_project_model_a_row():
    seed("--demo")

    # The audit log and security events included (issue 9, item 23): the audit pages are not empty.
    empty = [model._meta.label for model in project_models() if not model._default_manager.exists()]
    assert empty == []


@pytest.mark.django_db
def test_demo_history_is_in_the_audit_log_as_the_services_write_it():
    from audit.models import AuditLog, SecurityEvent

    seed("--demo")

    bookings = Booking.objects.all()
    created = AuditLog.objects.filter(action="booking.create", resource_type="core.booking")
    assert set(created.values_list("resource_id", flat=True)) == {str(b.pk) for b in bookings}
    for booking in bookings.exclude(status__in=[Booking.Status.DEPOSIT_PENDING]):
        last = AuditLog.objects.filter(resource_type="core.booking", resource_id=str(booking.pk)).latest(
            "created_at"
        )
        # The booking's last audited state is the state it is in, as the trail tells it.
        assert last.after["status"] == booking.status, (booking.reference, last.action)
    for payment in Payment.objects.filter(succeeded_at__isnull=False).exclude(kind=Payment.Kind.REFUND):
        row = AuditLog.objects.get(action="payment.succeed", resource_id=str(payment.pk))
        assert row.after["amount_cents"] == payment.amount_cents
        assert row.created_at == payment.succeeded_at  # dated when it happened, not when seeded
    assert AuditLog.objects.filter(action="lead.created").count() == Lead.objects.count()
    assert AuditLog.objects.filter(created_at__gt=timezone.now()).count() == 0
    types = set(SecurityEvent.objects.values_list("type", flat=True))
    assert {"login_succeeded", "login_failed", "account_locked", "permission_denied"} <= types


@pytest.mark.django_db
def test_demo_has_a_booking_in_every_status_at_both_stations_and_a_lead_in_every_status():
    seed("--demo")

    assert set(Booking.objects.values_list("status", flat=True)) == set(Booking.Status.values)
    assert set(Lead.objects.values_list("status", flat=True)) == set(Lead.Status.values)
    assert set(Booking.objects.values_list("station__code", flat=True)) == {
        "CA-FREMONT-001",
        "CA-SACRAMENTO-001",
    }
    assert not Lead.objects.filter(score__gt=100).exists()


@pytest.mark.django_db
def test_demo_bookings_are_priced_from_the_reference_pricing():
    seed("--demo")

    ten_adults_two_kids = Booking.objects.get(reference="MH-DEMO01")
    assert ten_adults_two_kids.total_due_cents == 10 * 5500 + 2 * 3000
    assert ten_adults_two_kids.deposit_due_cents == 10000
    small_party = Booking.objects.get(reference="MH-DEMO03")  # 8 adults, 3 kids: $530 of food
    assert small_party.quote["minimum_applied"] is True
    assert small_party.total_due_cents == 55000
    san_francisco = Booking.objects.get(reference="MH-DEMO17")  # beyond Fremont's 30 free miles
    assert san_francisco.quote["travel_fee_cents"] > 0
    assert san_francisco.total_due_cents == (
        16 * 5500 + 2 * 3000 + 4 * 1000 + san_francisco.quote["travel_fee_cents"]
    )
    for booking in Booking.objects.all():
        assert booking.total_due_cents >= booking.deposit_due_cents == 10000
        assert booking.total_due_cents == booking.quote["total_cents"]
        assert booking.quote["station"]["code"] == booking.station.code
        assert booking.zone == booking.address[-5:]
        assert booking.slot in DEFAULT_SLOT_TIMES
        assert booking.reference.startswith("MH-DEMO")


@pytest.mark.django_db
def test_demo_never_double_books_a_chef():
    seed("--demo")

    doubled = (
        Booking.objects.filter(status__in=ACTIVE_BOOKING_STATUSES, chef__isnull=False)
        .values("chef", "date", "slot")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(doubled) == []


@pytest.mark.django_db
def test_demo_customer_counters_match_their_bookings_and_payments():
    seed("--demo")

    for customer in Customer.objects.all():
        completed = customer.bookings.filter(status=Booking.Status.COMPLETED).count()
        payments = Payment.objects.filter(booking__customer=customer)
        received = sum(
            p.amount_cents
            for p in payments.filter(kind__in=["deposit", "balance"], succeeded_at__isnull=False)
        )
        refunded = sum(p.amount_cents for p in payments.filter(kind="refund", status="succeeded"))
        assert (customer.booking_count, customer.total_spend_cents) == (completed, received - refunded)
    assert Customer.objects.filter(booking_count__gt=0).exists()
    assert Payment.objects.filter(kind="refund", refund_of__isnull=False).exists()
    assert Payment.objects.filter(method="cash", status="succeeded").exists()


@pytest.mark.django_db
def test_demo_payments_follow_the_booking_statuses():
    seed("--demo")

    for booking in Booking.objects.filter(status__in=["confirmed", "completed"]).prefetch_related("payments"):
        assert any(p.kind == "deposit" and p.status == "succeeded" for p in booking.payments.all()), booking
    for booking in Booking.objects.filter(status="completed").prefetch_related("payments"):
        paid = sum(p.amount_cents for p in booking.payments.all() if p.status == "succeeded")
        assert paid == booking.total_due_cents


@pytest.mark.django_db
def test_demo_logins_work_with_the_printed_password_and_hold_their_roles():
    output = seed("--demo")

    assert "http://127.0.0.1:8000/admin/" in output
    assert "hibachi-demo-2026" in output
    expected = {
        "super_admin@myhibachi.test": ("super_admin", {None}),
        "admin@myhibachi.test": ("admin", {"CA-FREMONT-001", "CA-SACRAMENTO-001"}),
        "manager.fremont@myhibachi.test": ("station_manager", {"CA-FREMONT-001"}),
        "support@myhibachi.test": ("customer_support", {"CA-FREMONT-001"}),
        "chef@myhibachi.test": ("chef", {"CA-FREMONT-001"}),
    }
    for email, (role, stations) in expected.items():
        assert email in output
        # django-axes (the login lockout) needs the login's request.
        login_request = RequestFactory().post("/admin/login/", REMOTE_ADDR="127.0.0.1")
        user = authenticate(login_request, username=email, password="hibachi-demo-2026")
        assert user is not None and user.is_staff
        assert user.is_superuser is (role == "super_admin")
        grants = UserRole.objects.filter(user=user)
        assert {grant.role.name for grant in grants} == {role}
        assert {grant.station.code if grant.station else None for grant in grants} == stations
    assert Chef.objects.get(user__email="chef@myhibachi.test").station.code == "CA-FREMONT-001"
    assert User.objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_demo_seed_does_not_reset_a_changed_password():
    seed("--demo")
    user = User.objects.get(email="support@myhibachi.test")
    user.set_password("a-new-long-password")
    user.save()

    seed("--demo")

    login_request = RequestFactory().post("/admin/login/", REMOTE_ADDR="127.0.0.1")  # for django-axes
    assert (
        authenticate(login_request, username="support@myhibachi.test", password="a-new-long-password")
        is not None
    )


@pytest.mark.django_db
def test_demo_seed_is_refused_in_production_and_writes_nothing(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        seed("--demo")

    assert all(rows == [] for rows in snapshot().values())


@pytest.mark.django_db
def test_reference_seed_runs_in_production(settings):
    settings.PRODUCTION = True

    seed()

    assert Station.objects.filter(code="CA-FREMONT-001").exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_time_off_rows_fall_on_days_the_chef_has_no_booking():
    seed("--demo")

    for chef in Chef.objects.filter(availability__isnull=False).distinct():
        days_off = set(chef.availability.values_list("date", flat=True))
        booked = set(chef.bookings.filter(status__in=ACTIVE_BOOKING_STATUSES).values_list("date", flat=True))
        assert days_off and not days_off & booked
        assert all(day > timezone.localdate() for day in days_off)


@pytest.mark.django_db
def test_demo_quotes_are_the_pricing_engines_quotes():
    seed("--demo")

    for booking in Booking.objects.all():
        quote = quote_compute(
            zip_code=booking.zone,
            party_adults=booking.party_adults,
            party_kids=booking.party_kids,
            party_toddlers=booking.party_toddlers,
            items=booking.items,
        )
        assert booking.quote == quote.as_dict(), booking.reference


@pytest.mark.django_db
def test_demo_lead_scores_are_what_the_lead_scoring_computes():
    seed("--demo")

    for lead in Lead.objects.select_related("context"):
        changed = rescore(lead, lead.context, now=timezone.now())
        assert not changed, f"{lead}: the demo stored another score than leads.scoring"


@pytest.mark.django_db
def test_demo_payments_add_up_as_the_payment_services_count_them():
    seed("--demo")

    for booking in Booking.objects.filter(status="completed"):
        assert booking_balance_due_cents(booking) == 0
    for booking in Booking.objects.filter(status="confirmed"):
        assert booking_balance_due_cents(booking) == booking.total_due_cents - booking.deposit_due_cents
    refunded = Booking.objects.get(reference="MH-DEMO10")
    assert booking_net_paid_cents(refunded) == 0
    assert refunded.payments.get(kind="deposit").status == "refunded"


@pytest.mark.django_db
def test_every_upcoming_demo_booking_is_a_request_that_booking_create_accepts_as_the_demo_shows_it():
    """One input for a booking (issue 10): the demo builds the BookingRequest the API and the
    admin build. Its upcoming bookings, asked for through booking_create today, are accepted
    and come out as the demo shows them (the seeding-only path builds the same row)."""
    from audit.actor import Actor
    from core.services.bookings import booking_create
    from myhibachi.seeding.demo import bookings as demo_bookings
    from myhibachi.seeding.demo import people
    from myhibachi.seeding.demo.context import DemoContext
    from myhibachi.seeding.reference import seed_reference
    from myhibachi.seeding.rows import SeedReport

    report = SeedReport()
    ctx = DemoContext(
        report=report, reference=seed_reference(report), now=timezone.now(), today=timezone.localdate()
    )
    people.seed_stations(ctx)
    people.seed_staff(ctx)
    people.seed_chefs(ctx)
    people.seed_customers(ctx)
    upcoming = [spec for spec in demo_bookings.BOOKINGS if spec.day >= 3]  # past the 48-hour notice
    assert len(upcoming) >= 15

    for spec in upcoming:
        shown = demo_bookings._booking(ctx, spec)
        booked = booking_create(request=demo_bookings.request_of(ctx, spec), actor=Actor.customer())

        fields = (
            "station_id", "date", "slot", "address", "zone", "party_adults", "party_kids",
            "party_toddlers", "items", "quote", "total_due_cents", "deposit_due_cents", "source",
            "special_requests", "contact_first_name", "contact_last_name", "contact_phone",
            "contact_sms_consent", "customer_id",
        )  # fmt: skip
        assert {name: getattr(booked, name) for name in fields} == {
            name: getattr(shown, name) for name in fields
        }, spec.reference
