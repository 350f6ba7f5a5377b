"""Every page of the staff panel opens, within a fixed number of queries.

The pages are driven by `admin.site._registry`, so a newly registered model is covered
without touching this file. The data is the demo seed (`manage.py seed --demo`), loaded once
for the module and rolled back after it, so that every registered model has rows (several of
them, where a list or an inline could make a query per row).
"""

import io

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from audit.actor import Actor
from audit.models import AuditLog, SecurityEvent
from audit.services import audit_log_write, security_event_record
from core.models import Booking, Notification, StripeEvent
from crm.models import Lead
from identity.models import Role, Station, User
from kernel.money import format_cents

pytestmark = pytest.mark.django_db

# Queries a page may make, whatever the number of rows: session and user (2), the page's
# own queries, one per list filter over a related table, the date hierarchy, one per inline
# and per select or autocomplete widget. A query per row would exceed them.
CHANGELIST_MAX_QUERIES = 12
CHANGE_PAGE_MAX_QUERIES = 14
ADD_PAGE_MAX_QUERIES = 8
# Rows whose change page is opened, per model (whatever their children: a role with every
# permission, a booking with its payments, a lead with its events).
CHANGE_PAGES_PER_MODEL = 5
AUTOCOMPLETE_MAX_QUERIES = 6

SUPERUSER_EMAIL = "admin-pages@myhibachi.test"


def _registered() -> list[tuple[type, admin.ModelAdmin]]:
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _ids(item) -> str:
    return item[0]._meta.label


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _fill_what_the_seed_leaves_empty() -> None:
    """Rows the demo seed does not write (it writes business rows directly, not via services)."""
    if not AuditLog.objects.exists():
        for booking in Booking.objects.order_by("reference")[:3]:
            audit_log_write(
                actor=Actor.system(),
                action="booking.create",
                instance=booking,
                station_id=booking.station_id,
                after={"status": booking.status},
            )
    if not SecurityEvent.objects.exists():
        for _ in range(3):
            security_event_record(type=SecurityEvent.Type.LOGIN_FAILED, ip_address="203.0.113.7")
    if not Group.objects.exists():
        Group.objects.create(name="Office")  # not in the admin (access is by roles), still harmless
    if not AccessAttempt.objects.exists():
        for number in range(3):
            AccessAttempt.objects.create(
                username=f"someone{number}@myhibachi.test",
                ip_address="203.0.113.7",
                user_agent="pytest",
                http_accept="text/html",
                path_info="/admin/login/",
                failures_since_start=number + 1,
                get_data="",
                post_data="",
            )
    if not AccessLog.objects.exists():
        for number in range(3):
            AccessLog.objects.create(
                username=f"someone{number}@myhibachi.test",
                ip_address="203.0.113.7",
                user_agent="pytest",
                http_accept="text/html",
                path_info="/admin/login/",
            )
    if not StripeEvent.objects.exists():
        for number in range(3):
            StripeEvent.objects.create(
                event_id=f"evt_admin_pages_{number}",
                type="payment_intent.succeeded",
                payload={"id": f"evt_admin_pages_{number}", "type": "payment_intent.succeeded"},
                status=StripeEvent.Status.PROCESSED,
            )
    if not Notification.objects.exists():
        for booking in Booking.objects.select_related("customer").order_by("reference")[:3]:
            Notification.objects.create(
                kind=Notification.Kind.BOOKING_CONFIRMED,
                channel=Notification.Channel.EMAIL,
                booking=booking,
                customer=booking.customer,
                recipient=booking.customer.email,
                status=Notification.Status.SENT,
            )


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo seed, loaded once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed", "--demo", stdout=io.StringIO())
        _fill_what_the_seed_leaves_empty()
        User.objects.create_superuser(SUPERUSER_EMAIL, "not-used-in-tests")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def staff_client(demo_data, db) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=SUPERUSER_EMAIL))
    return client


@pytest.mark.parametrize("registered", _registered(), ids=_ids)
def test_changelist_opens_within_budget(staff_client, django_assert_max_num_queries, registered):
    model, _model_admin = registered
    assert model._default_manager.exists(), f"no {model._meta.label} rows to list"
    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        response = staff_client.get(_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("registered", _registered(), ids=_ids)
def test_change_page_opens_within_budget(staff_client, django_assert_max_num_queries, registered):
    model, _model_admin = registered
    objects = list(model._default_manager.order_by("pk")[:CHANGE_PAGES_PER_MODEL])
    assert objects, f"no {model._meta.label} row to open"
    for obj in objects:
        with django_assert_max_num_queries(CHANGE_PAGE_MAX_QUERIES, info=f"{model._meta.label} {obj.pk}"):
            response = staff_client.get(_url(model, "change", obj.pk))
        assert response.status_code == 200


@pytest.mark.parametrize("registered", _registered(), ids=_ids)
def test_add_page_opens_or_is_refused(staff_client, django_assert_max_num_queries, registered):
    model, model_admin = registered
    with django_assert_max_num_queries(ADD_PAGE_MAX_QUERIES):
        response = staff_client.get(_url(model, "add"))
    superuser_request = response.wsgi_request
    assert response.status_code == (200 if model_admin.has_add_permission(superuser_request) else 403)


def _autocomplete_fields() -> list[tuple[type, str]]:
    return [
        (model, field_name)
        for model, model_admin in _registered()
        for field_name in model_admin.autocomplete_fields
    ]


@pytest.mark.parametrize(
    "model, field_name", _autocomplete_fields(), ids=lambda value: getattr(value, "__name__", value)
)
def test_autocomplete_answers_within_budget(staff_client, django_assert_max_num_queries, model, field_name):
    params = {
        "app_label": model._meta.app_label,
        "model_name": model._meta.model_name,
        "field_name": field_name,
    }
    with django_assert_max_num_queries(AUTOCOMPLETE_MAX_QUERIES):
        response = staff_client.get(reverse("admin:autocomplete"), {**params, "term": ""})
    assert response.status_code == 200
    assert response.json()["results"], f"{model._meta.label}.{field_name} offers nothing"


@pytest.mark.parametrize("model", [AuditLog, SecurityEvent], ids=lambda model: model._meta.label)
def test_audit_admins_refuse_add_change_and_delete(staff_client, model):
    obj = model.objects.first()

    assert staff_client.get(_url(model, "add")).status_code == 403
    assert staff_client.post(_url(model, "add"), {}).status_code == 403
    assert staff_client.post(_url(model, "change", obj.pk), {"action": "x"}).status_code == 403
    assert staff_client.get(_url(model, "delete", obj.pk)).status_code == 403
    assert staff_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403

    changelist = staff_client.get(_url(model, "changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.context["cl"].model_admin.get_actions(changelist.wsgi_request)
    model_admin = admin.site._registry[model]
    request = changelist.wsgi_request
    assert request.user.is_superuser
    assert model_admin.has_view_permission(request, obj)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    assert model.objects.filter(pk=obj.pk).exists()


def _search(client: Client, model, query: str) -> list:
    response = client.get(_url(model, "changelist"), {"q": query})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_booking_search_by_reference_and_customer_email(staff_client):
    booking = Booking.objects.select_related("customer").order_by("reference").first()

    assert _search(staff_client, Booking, booking.reference) == [booking]

    by_email = _search(staff_client, Booking, booking.customer.email)
    assert booking in by_email
    assert {found.customer_id for found in by_email} == {booking.customer_id}
    assert len(by_email) == Booking.objects.filter(customer=booking.customer).count()

    assert _search(staff_client, Booking, "nobody-at-all@example.invalid") == []


def test_lead_search_by_name_and_contact(staff_client):
    lead = Lead.objects.exclude(first_name="").filter(contacts__isnull=False).order_by("pk").first()
    contact = lead.contacts.order_by("pk").first()

    assert lead in _search(staff_client, Lead, lead.first_name)
    # By a contact's address; a lead with several contacts is listed once.
    by_contact = _search(staff_client, Lead, contact.handle_or_address)
    assert lead in by_contact
    assert len(by_contact) == len(set(by_contact))

    assert _search(staff_client, Lead, "nobody-at-all@example.invalid") == []


def test_booking_change_form_shows_the_encrypted_address(staff_client):
    booking = Booking.objects.order_by("reference").first()
    assert booking.address

    response = staff_client.get(_url(Booking, "change", booking.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert escape(booking.address) in content
    # Shown, not editable: a new address is re-quoted by the "Change event address" action.
    assert 'name="address"' not in content
    assert format_cents(booking.total_due_cents) in content  # money in dollars


def test_user_change_page_shows_roles_and_add_form_creates_by_email(staff_client):
    holder = User.objects.filter(user_roles__isnull=False).order_by("email").first()
    response = staff_client.get(_url(User, "change", holder.pk))
    assert response.status_code == 200
    assert 'name="user_roles-0-role"' in response.content.decode()

    role = Role.objects.get(name=Role.Name.CUSTOMER_SUPPORT)
    station = Station.objects.order_by("code").first()
    response = staff_client.post(
        _url(User, "add"),
        {
            "email": "New.Staff@MyHibachi.test",
            "first_name": "New",
            "last_name": "Staff",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase-42",
            "password2": "a-long-enough-passphrase-42",
            "user_roles-TOTAL_FORMS": "1",
            "user_roles-INITIAL_FORMS": "0",
            "user_roles-0-role": str(role.pk),
            "user_roles-0-station": str(station.pk),
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="new.staff@myhibachi.test")
    assert user.check_password("a-long-enough-passphrase-42")
    assert [(user_role.role, user_role.station) for user_role in user.user_roles.all()] == [(role, station)]
