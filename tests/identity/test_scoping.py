"""Station scoping: the policy (identity/scoping.py) and its use by every admin page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import SecurityEvent
from core.models import Booking, Customer, Payment
from crm.models import Lead
from identity import scoping
from identity.models import Role, Station, User, UserRole
from myhibachi.seeding.reference import sync_catalog
from myhibachi.seeding.rows import SeedReport
from ops.models import Chef, ChefAvailability
from tests.core.factories import BookingFactory, CustomerFactory, PaymentFactory
from tests.crm.factories import LeadFactory
from tests.identity.factories import SacramentoStationFactory, StationFactory, UserFactory
from tests.identity.staff import ADMIN, CHEF, MANAGER_FREMONT, SUPER_ADMIN, SUPPORT, admin_url, form_data
from tests.ops.factories import ChefFactory

pytestmark = pytest.mark.django_db


# --- the policy ---------------------------------------------------------------------------


def test_stations_for_each_demo_role(demo):
    assert scoping.stations_for(User.objects.get(email=SUPER_ADMIN)) is None
    assert set(scoping.stations_for(User.objects.get(email=ADMIN))) == {demo.fremont, demo.sacramento}
    assert list(scoping.stations_for(User.objects.get(email=MANAGER_FREMONT))) == [demo.fremont]
    assert list(scoping.stations_for(User.objects.get(email=SUPPORT))) == [demo.fremont]


def test_a_super_admin_role_without_superuser_sees_every_station(demo):
    user = UserFactory()
    UserRole.objects.create(user=user, role=Role.objects.get(name="super_admin"), station=None)
    assert scoping.stations_for(user) is None
    assert scoping.primary_role(user) == "super_admin"


def test_roles_and_primary_role(demo):
    user = UserFactory()
    UserRole.objects.create(user=user, role=Role.objects.get(name="chef"), station=demo.fremont)
    UserRole.objects.create(user=user, role=Role.objects.get(name="station_manager"), station=demo.sacramento)
    assert scoping.user_role_names(user) == {"chef", "station_manager"}
    assert scoping.primary_role(user) == "station_manager"
    assert scoping.primary_role(UserFactory()) == ""
    assert scoping.primary_role(User.objects.get(email=SUPER_ADMIN)) == "super_admin"


def test_permissions_per_station(demo):
    support = User.objects.get(email=SUPPORT)
    assert scoping.user_has_permission(support, "booking.cancel")
    assert scoping.user_has_permission(support, "booking.cancel", demo.fremont)
    assert not scoping.user_has_permission(support, "booking.cancel", demo.sacramento)
    assert not scoping.user_has_permission(support, "payment.refund", demo.fremont)


def test_the_users_access_is_read_once_per_user_object(demo, django_assert_num_queries):
    manager = User.objects.get(email=MANAGER_FREMONT)
    with django_assert_num_queries(1):
        for _ in range(20):
            assert manager.has_perm("core.view_booking")
            assert manager.has_perm("booking.cancel", demo.row(Booking, "fremont"))
            assert not manager.has_perm("security.read")
        scoping.scope_queryset(manager, Booking.objects.all(), "station")
        assert scoping.primary_role(manager) == "station_manager"


def test_scope_queryset_by_paths(demo):
    manager = User.objects.get(email=MANAGER_FREMONT)
    bookings = scoping.scope_queryset(manager, Booking.objects.all(), "station")
    assert set(bookings.values_list("station", flat=True)) == {demo.fremont.pk}
    customers = scoping.scope_queryset(manager, Customer.objects.all(), scoping.CUSTOMER_STATION_PATHS)
    assert demo.row(Customer, "fremont") in customers
    assert demo.row(Customer, "sacramento") not in customers
    assert customers.count() == len(set(customers))  # a customer with two bookings is listed once
    assert scoping.scope_queryset(manager, Lead.objects.all(), None).count() == Lead.objects.count()
    nobody = UserFactory()
    assert not scoping.scope_queryset(nobody, Booking.objects.all(), "station").exists()


# --- the admin: objects by URL, choices, autocomplete, saving -------------------------------


def test_out_of_scope_urls_are_404_and_a_security_event(demo, login):
    client = login(MANAGER_FREMONT)
    manager = User.objects.get(email=MANAGER_FREMONT)
    seeded = set(SecurityEvent.objects.values_list("pk", flat=True))  # the demo's own history
    for model in (Booking, Chef, Customer, Lead):
        sacramento_row = demo.row(model, "sacramento")
        for view in ("change", "delete", "history"):
            assert client.get(admin_url(model, view, sacramento_row.pk)).status_code == 404, (model, view)
        assert client.post(admin_url(model, "change", sacramento_row.pk), {}).status_code == 404
    denied = SecurityEvent.objects.filter(
        type=SecurityEvent.Type.PERMISSION_DENIED, user_id=manager.pk
    ).exclude(pk__in=seeded)
    assert denied.count() == 4 * 4
    event = denied.first()
    assert event.severity == SecurityEvent.Severity.MEDIUM
    assert event.details["reason"] == "outside_scope"


def test_a_403_in_the_admin_is_a_security_event(demo, login):
    assert login(SUPPORT).get(admin_url(SecurityEvent, "changelist")).status_code == 403
    event = SecurityEvent.objects.get(
        type=SecurityEvent.Type.PERMISSION_DENIED, user_id=User.objects.get(email=SUPPORT).pk
    )
    assert event.severity == SecurityEvent.Severity.MEDIUM
    assert event.details["path"] == admin_url(SecurityEvent, "changelist")


def test_a_missing_row_is_a_404_without_an_event(demo, login):
    seeded = set(SecurityEvent.objects.values_list("pk", flat=True))  # the demo's own history
    response = login(MANAGER_FREMONT).get(
        admin_url(Booking, "change", "6b1a2f7e-0000-4000-8000-000000000000")
    )
    assert response.status_code == 404
    assert (
        not SecurityEvent.objects.filter(type=SecurityEvent.Type.PERMISSION_DENIED)
        .exclude(pk__in=seeded)
        .exists()
    )


def test_the_station_field_offers_only_the_users_stations(demo, login):
    client = login(MANAGER_FREMONT)
    for model in (Chef, Lead):
        form = client.get(admin_url(model, "change", demo.row(model, "fremont").pk)).context["adminform"].form
        assert list(form.fields["station"].queryset) == [demo.fremont], model


def test_a_manager_cannot_move_a_lead_or_chef_to_another_station(demo, login):
    client = login(MANAGER_FREMONT)
    lead = demo.row(Lead, "fremont")
    response = client.get(admin_url(Lead, "change", lead.pk))
    data = form_data(response)
    data["station"] = str(demo.sacramento.pk)

    response = client.post(admin_url(Lead, "change", lead.pk), data)

    assert response.status_code == 200  # the form again, with its error; not a 500
    assert "station" in response.context["adminform"].form.errors
    lead.refresh_from_db()
    assert lead.station == demo.fremont


def test_a_manager_cannot_move_a_booking_to_another_station(demo, login):
    client = login(MANAGER_FREMONT)
    booking = Booking.objects.filter(station=demo.fremont).order_by("reference").first()
    response = client.get(admin_url(Booking, "change", booking.pk))
    form = response.context["adminform"].form
    if "station" in form.fields:
        assert list(form.fields["station"].queryset) == [demo.fremont]
    data = form_data(response)
    data["station"] = str(demo.sacramento.pk)

    client.post(admin_url(Booking, "change", booking.pk), data)

    booking.refresh_from_db()
    assert booking.station == demo.fremont


def test_clearing_the_station_is_refused_to_a_scoped_user(demo, login):
    client = login(MANAGER_FREMONT)
    lead = demo.row(Lead, "fremont")
    data = form_data(client.get(admin_url(Lead, "change", lead.pk)))
    data["station"] = ""

    response = client.post(admin_url(Lead, "change", lead.pk), data)

    assert response.status_code == 200
    assert "one of your stations (Fremont)" in str(response.context["adminform"].form.errors)
    lead.refresh_from_db()
    assert lead.station == demo.fremont


def _autocomplete(client: Client, model, field_name: str, term: str = "") -> set[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field_name,
            "term": term,
        },
    )
    assert response.status_code == 200
    return {result["id"] for result in response.json()["results"]}


def test_autocomplete_of_chefs_and_customers_is_scoped(demo, login):
    client = login(MANAGER_FREMONT)

    chefs = _autocomplete(client, ChefAvailability, "chef")
    assert chefs == {str(pk) for pk in Chef.objects.filter(station=demo.fremont).values_list("pk", flat=True)}

    customers = _autocomplete(client, Lead, "customer")
    assert str(demo.row(Customer, "fremont").pk) in customers
    assert str(demo.row(Customer, "sacramento").pk) not in customers
    # Searching for a Sacramento customer by name finds nothing.
    sacramento_customer = demo.row(Customer, "sacramento")
    assert _autocomplete(client, Lead, "customer", sacramento_customer.email) == set()


def test_a_chef_cannot_use_the_chef_autocomplete(demo, login):
    response = login(CHEF).get(
        reverse("admin:autocomplete"),
        {"app_label": "ops", "model_name": "chefavailability", "field_name": "chef", "term": ""},
    )
    assert response.status_code == 403


def test_roles_granted_by_an_admin_are_bounded(demo, login):
    client = login(ADMIN)
    response = client.get(admin_url(User, "add"))
    inline = response.context["inline_admin_formsets"][0].formset
    role_choices = {role.name for role in inline.form.base_fields["role"].queryset}
    assert "super_admin" not in role_choices
    assert {"admin", "station_manager", "customer_support", "chef"} <= role_choices
    # The Fremont manager may see staff, not grant roles.
    assert login(MANAGER_FREMONT).get(admin_url(UserRole, "add")).status_code == 403


# --- query counts: constant as rows grow --------------------------------------------------


@pytest.fixture
def stations_and_manager(db):
    """Two stations of their own (whether or not the module's demo is loaded), and a manager
    of the first one."""
    sync_catalog(SeedReport())
    here = StationFactory(code="CA-OAKLAND-001", name="Oakland")
    elsewhere = SacramentoStationFactory(code="CA-STOCKTON-001", name="Stockton")
    manager = UserFactory(email="scoped.manager@myhibachi.test")
    UserRole.objects.create(user=manager, role=Role.objects.get(name="station_manager"), station=here)
    client = Client()
    client.force_login(manager)
    return here, elsewhere, client


def _grow(model, fremont: Station, sacramento: Station, count: int) -> None:
    """Rows at both stations, each with its own customer and chef."""
    for station in (fremont, sacramento):
        for _ in range(count):
            if model is Lead:
                LeadFactory(station=station, customer=CustomerFactory(), assigned_to=UserFactory())
            elif model is Booking:
                BookingFactory(station=station, chef=ChefFactory(station=station))
            else:
                PaymentFactory(booking=BookingFactory(station=station, chef=ChefFactory(station=station)))


def _changelist_queries(client: Client, model) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


@pytest.mark.parametrize("model", [Booking, Lead, Payment], ids=["bookings", "leads", "payments"])
def test_changelists_keep_a_constant_query_count_for_a_scoped_manager(stations_and_manager, model):
    fremont, sacramento, client = stations_and_manager

    _grow(model, fremont, sacramento, 5)
    few_queries, few_rows = _changelist_queries(client, model)
    _grow(model, fremont, sacramento, 25)
    many_queries, many_rows = _changelist_queries(client, model)

    assert (few_rows, many_rows) == (5, 30)  # the manager's station's only
    assert many_queries == few_queries


def test_list_filters_offer_only_the_users_stations(demo, login):
    def station_choices(email: str, model) -> list:
        response = login(email).get(admin_url(model, "changelist"))
        return [
            pk
            for spec in response.context["cl"].filter_specs
            if getattr(spec, "field_path", "").endswith("station")
            for pk, _label in spec.lookup_choices
        ]

    # Fremont's manager: one station, so no station filter at all; the admin: their two.
    assert station_choices(MANAGER_FREMONT, Booking) == []
    assert station_choices(MANAGER_FREMONT, Payment) == []
    assert set(station_choices(ADMIN, Booking)) == {demo.fremont.pk, demo.sacramento.pk}


def test_an_export_holds_only_the_users_bookings(demo, login):
    # "Select all" of the list, then the CSV export: Fremont's bookings only, even when a
    # Sacramento id is posted as selected.
    sacramento_booking = demo.row(Booking, "sacramento")
    response = login(MANAGER_FREMONT).post(
        admin_url(Booking, "changelist"),
        {"action": "export_csv", "select_across": "1", "_selected_action": [str(sacramento_booking.pk)]},
    )
    assert response.status_code == 200
    content = response.content.decode()
    fremont_references = set(Booking.objects.filter(station=demo.fremont).values_list("reference", flat=True))
    sacramento_references = set(
        Booking.objects.filter(station=demo.sacramento).values_list("reference", flat=True)
    )
    assert all(reference in content for reference in fremont_references)
    assert not any(reference in content for reference in sacramento_references)

    response = login(MANAGER_FREMONT).post(
        admin_url(Booking, "changelist"),
        {"action": "export_csv", "_selected_action": [str(sacramento_booking.pk)]},
    )
    assert sacramento_booking.reference not in response.content.decode()


@pytest.mark.parametrize(
    "role, sees",
    [(MANAGER_FREMONT, {"audit_trail", "payments_table"}), (SUPPORT, {"payments_table"}), (CHEF, set())],
)
def test_a_booking_page_shows_what_the_role_may_see(demo, login, role, sees):
    response = login(role).get(admin_url(Booking, "change", demo.row(Booking, "fremont").pk))
    assert response.status_code == 200
    fields = {
        name
        for fieldset in response.context["adminform"]
        for line in fieldset
        for field in line
        for name in [field.field["name"] if isinstance(field.field, dict) else field.field.name]
    }
    assert {"audit_trail", "payments_table"} & fields == sees
    assert ("customer_contact" in fields) is (role != CHEF)


def test_an_admin_cannot_reach_or_change_who_outranks_them(demo, login):
    client = login(ADMIN)
    # The super admin holds no station role: outside the admin's scope.
    assert client.get(admin_url(User, "change", User.objects.get(email=SUPER_ADMIN).pk)).status_code == 404
    # A superuser who also works at Fremont is seen, read-only.
    boss = User.objects.create_superuser("boss@myhibachi.test", "a-long-enough-passphrase-42")
    UserRole.objects.create(user=boss, role=Role.objects.get(name="admin"), station=demo.fremont)
    assert client.get(admin_url(User, "change", boss.pk)).status_code == 200
    assert client.post(admin_url(User, "change", boss.pk), {"email": "x@x.test"}).status_code == 403
    response = client.post(
        reverse("admin:auth_user_password_change", args=[boss.pk]),
        {"password1": "taken-over-12345", "password2": "taken-over-12345"},
    )
    assert response.status_code == 403
    boss.refresh_from_db()
    assert not boss.check_password("taken-over-12345")


def test_a_password_change_in_the_admin_is_audited(demo, login):
    from audit.models import AuditLog

    support = User.objects.get(email=SUPPORT)
    response = login(ADMIN).post(
        reverse("admin:auth_user_password_change", args=[support.pk]),
        {
            "password1": "a-new-long-passphrase-77",
            "password2": "a-new-long-passphrase-77",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    row = AuditLog.objects.get(action="admin.password_change", resource_id=str(support.pk))
    assert row.role == "admin"
    assert "a-new-long" not in str(row.after)
