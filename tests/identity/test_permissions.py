"""What each role may list, open, add, change and delete in the staff panel, at two stations.

Table-driven, through the admin with the demo's logins (tests/identity/staff.py). For each
role and model: the changelist, the change page of a Fremont row and of a Sacramento row, the
add page and the delete page of the Fremont row.

200: allowed (a change page the user may only view is a 200 too, read-only);
403: the role holds no such permission; 404: a row outside the user's stations (or, for a
chef, not theirs), whatever its URL. The Fremont rows are the chef login's own where a chef
has rows (Kenji's booking, payment and time off).
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission as DjangoPermission
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditLog, SecurityEvent
from core.models import Booking, Customer, Payment
from crm.models import Lead
from identity import catalog
from identity.models import Station, User
from identity.staff_panel.scoped import StationScopedAdmin, StationScopedInline
from ops.models import Chef, ChefAvailability
from pricing.models import PricingPolicy
from tests.identity.staff import (
    ADMIN,
    CHEF,
    MANAGER_FREMONT,
    MANAGER_SACRAMENTO,
    SUPER_ADMIN,
    SUPPORT,
    admin_url,
)

pytestmark = pytest.mark.django_db

OPERATIONS = ("list", "fremont", "sacramento", "add", "delete")
ALL = (200, 200, 200, 200, 200)
NOTHING = (403, 403, 403, 403, 403)
READ_EVERYWHERE = (200, 200, 200, 403, 403)
READ_HERE = (200, 200, 404, 403, 403)
SKIP = None  # no Sacramento row (the model has no station)

# role login -> model -> (list, change Fremont, change Sacramento, add, delete Fremont)
EXPECTED = {
    SUPER_ADMIN: {
        # The add page is the phone-booking form, which books through the booking service.
        Booking: ALL,
        Customer: ALL,
        Chef: ALL,
        ChefAvailability: ALL,
        Payment: READ_EVERYWHERE,  # payments are recorded and refunded by actions
        Lead: ALL,
        AuditLog: READ_EVERYWHERE,
        SecurityEvent: READ_EVERYWHERE,
        Station: ALL,
        User: ALL,
        PricingPolicy: (200, 200, SKIP, 200, 200),
    },
    ADMIN: {  # both stations, but not every station
        Booking: ALL,
        Customer: ALL,
        Chef: ALL,
        ChefAvailability: ALL,
        Payment: READ_EVERYWHERE,
        Lead: ALL,
        AuditLog: READ_EVERYWHERE,
        SecurityEvent: READ_EVERYWHERE,
        Station: (200, 200, 200, 403, 403),  # adding or removing a station: super_admin only
        User: ALL,
        PricingPolicy: (200, 200, SKIP, 200, 200),
    },
    MANAGER_FREMONT: {
        Booking: (200, 200, 404, 200, 200),
        Customer: (200, 200, 404, 200, 403),
        Chef: (200, 200, 404, 200, 200),
        ChefAvailability: (200, 200, 404, 200, 200),
        Payment: READ_HERE,
        Lead: (200, 200, 404, 200, 403),
        AuditLog: READ_HERE,
        SecurityEvent: NOTHING,
        Station: READ_HERE,
        User: READ_HERE,  # their station's staff, read-only
        PricingPolicy: (200, 200, SKIP, 403, 403),
    },
    SUPPORT: {
        Booking: (200, 200, 404, 200, 403),  # may edit and book by phone, may not delete
        Customer: (200, 200, 404, 200, 403),
        Chef: READ_HERE,
        ChefAvailability: READ_HERE,
        Payment: READ_HERE,
        Lead: (200, 200, 404, 200, 403),
        AuditLog: NOTHING,
        SecurityEvent: NOTHING,
        Station: READ_HERE,
        User: NOTHING,
        PricingPolicy: (200, 200, SKIP, 403, 403),
    },
    CHEF: {  # their own bookings and time off, nothing else
        Booking: READ_HERE,
        Customer: NOTHING,
        Chef: NOTHING,
        ChefAvailability: (200, 200, 404, 200, 403),
        Payment: NOTHING,
        Lead: NOTHING,
        AuditLog: NOTHING,
        SecurityEvent: NOTHING,
        Station: NOTHING,
        User: NOTHING,
        PricingPolicy: (403, 403, SKIP, 403, 403),
    },
}

CASES = [
    pytest.param(
        role, model, operation, expected[index], id=f"{role.split('@')[0]}-{model.__name__}-{operation}"
    )
    for role, models in EXPECTED.items()
    for model, expected in models.items()
    for index, operation in enumerate(OPERATIONS)
    if expected[index] is not SKIP
]


def _url(demo, model, operation: str) -> str:
    if operation == "list":
        return admin_url(model, "changelist")
    if operation == "add":
        return admin_url(model, "add")
    if operation == "delete":
        return admin_url(model, "delete", demo.row(model, "fremont").pk)
    return admin_url(model, "change", demo.row(model, operation).pk)


@pytest.mark.parametrize("role, model, operation, expected", CASES)
def test_role_model_operation(demo, login, role, model, operation, expected):
    response = login(role).get(_url(demo, model, operation))
    assert response.status_code == expected


@pytest.mark.parametrize("role", [MANAGER_FREMONT, SUPPORT, CHEF])
def test_a_changelist_lists_only_the_users_rows(demo, login, role):
    client = login(role)
    for model in (Booking, Chef, ChefAvailability, Payment, Lead, Customer):
        response = client.get(admin_url(model, "changelist"))
        if response.status_code == 403:
            continue
        rows = list(response.context["cl"].result_list)
        assert demo.row(model, "fremont") in rows, model
        assert demo.row(model, "sacramento") not in rows, model


def test_the_sacramento_manager_mirrors_the_fremont_one(demo, login):
    client = login(MANAGER_SACRAMENTO)
    for model in (Booking, Customer, Chef, Payment, Lead):
        assert client.get(admin_url(model, "change", demo.row(model, "sacramento").pk)).status_code == 200
        assert client.get(admin_url(model, "change", demo.row(model, "fremont").pk)).status_code == 404


def test_a_chef_lists_only_their_own_bookings_and_availability(demo, login):
    client = login(CHEF)
    chef_user = User.objects.get(email=CHEF)

    bookings = list(client.get(admin_url(Booking, "changelist")).context["cl"].result_list)
    assert bookings
    assert {booking.chef.user_id for booking in bookings} == {chef_user.pk}
    others = Booking.objects.filter(station=demo.fremont).exclude(chef__user=chef_user).first()
    assert client.get(admin_url(Booking, "change", others.pk)).status_code == 404

    availability = list(client.get(admin_url(ChefAvailability, "changelist")).context["cl"].result_list)
    assert availability
    assert {entry.chef.user_id for entry in availability} == {chef_user.pk}
    # Adding time off offers their own chef row only.
    form = client.get(admin_url(ChefAvailability, "add")).context["adminform"].form
    assert list(form.fields["chef"].queryset) == [demo.row(Chef, "fremont")]


# --- business actions ---------------------------------------------------------------------

# role -> permission -> granted (somewhere). The catalog is the source; this is its reading.
BUSINESS = {
    SUPER_ADMIN: {"booking.cancel": True, "payment.refund": True, "payment.report": True, "audit.read": True,
                  "security.read": True, "user.manage": True, "lead.convert": True},
    ADMIN: {"booking.cancel": True, "payment.refund": True, "payment.report": True, "audit.read": True,
            "security.read": True, "user.manage": True, "lead.convert": True},
    MANAGER_FREMONT: {"booking.cancel": True, "payment.refund": True, "payment.report": True,
                      "audit.read": True, "security.read": False, "user.manage": False, "lead.convert": True},
    SUPPORT: {"booking.cancel": True, "payment.refund": False, "payment.report": False, "audit.read": False,
              "security.read": False, "user.manage": False, "lead.convert": True},
    CHEF: {"booking.cancel": False, "payment.refund": False, "payment.report": False, "audit.read": False,
           "security.read": False, "user.manage": False, "lead.convert": False},
}  # fmt: skip


@pytest.mark.parametrize(
    "role, code, granted",
    [(role, code, granted) for role, codes in BUSINESS.items() for code, granted in codes.items()],
)
def test_business_permissions_by_role(demo, role, code, granted):
    assert User.objects.get(email=role).has_perm(code) is granted


# role -> (booking actions offered, lead actions offered); None: the changelist is refused.
ACTIONS = {
    SUPER_ADMIN: ({"refund", "export_csv", "cancel_bookings", "delete_selected"}, {"convert_to_customer"}),
    MANAGER_FREMONT: (
        {"refund", "export_csv", "cancel_bookings", "delete_selected"},
        {"convert_to_customer"},
    ),
    SUPPORT: ({"cancel_bookings"}, {"convert_to_customer"}),
    CHEF: (set(), None),
}
NOT_OFFERED = {
    SUPER_ADMIN: (set(), set()),
    MANAGER_FREMONT: (set(), {"delete_selected"}),
    SUPPORT: ({"refund", "export_csv", "record_payment", "delete_selected"}, {"delete_selected"}),
    CHEF: ({"refund", "export_csv", "cancel_bookings", "record_payment", "delete_selected"}, None),
}


def _actions(client, model) -> set[str] | None:
    response = client.get(admin_url(model, "changelist"))
    if response.status_code == 403:
        return None
    return set(response.context["cl"].model_admin.get_actions(response.wsgi_request))


@pytest.mark.parametrize("role", list(ACTIONS))
def test_actions_offered_by_role(demo, login, role):
    client = login(role)
    booking_actions, lead_actions = _actions(client, Booking), _actions(client, Lead)
    offered_bookings, offered_leads = ACTIONS[role]
    refused_bookings, refused_leads = NOT_OFFERED[role]

    assert offered_bookings <= booking_actions
    assert not refused_bookings & booking_actions
    if offered_leads is None:
        assert lead_actions is None
    else:
        assert offered_leads <= lead_actions
        assert not refused_leads & lead_actions


def test_support_cannot_refund_even_by_posting_the_action(demo, login):
    booking = Payment.objects.filter(booking__station=demo.fremont, kind=Payment.Kind.DEPOSIT).first().booking
    payments_before = Payment.objects.count()

    response = login(SUPPORT).post(
        admin_url(Booking, "changelist"), {"action": "refund", "_selected_action": [str(booking.pk)]}
    )

    assert response.status_code in (200, 302)  # Django: "No action selected", nothing run
    assert Payment.objects.count() == payments_before


# --- the backend ------------------------------------------------------------------------


def test_django_permissions_map_to_business_permissions(demo):
    support = User.objects.get(email=SUPPORT)
    assert support.has_perm("core.view_booking") and support.has_perm("booking.read")
    assert support.has_perm("core.change_booking") and support.has_perm("booking.update")
    assert not support.has_perm("core.delete_booking") and not support.has_perm("booking.delete")
    assert support.has_module_perms("core")
    assert not support.has_module_perms("audit")
    assert "core.view_booking" in support.get_all_permissions()
    assert "payment.refund" not in support.get_all_permissions()
    assert not support.has_perm("auth.view_group")  # not in the table: nobody's


def test_groups_and_user_permissions_grant_nothing(demo):
    # The only grants are roles: a Django group or a per-user permission is ignored.
    chef = User.objects.get(email=CHEF)
    delete_booking = DjangoPermission.objects.get(
        content_type=ContentType.objects.get_for_model(Booking), codename="delete_booking"
    )
    group = Group.objects.create(name="Back door")
    group.permissions.add(delete_booking)
    chef.groups.add(group)
    chef.user_permissions.add(delete_booking)

    chef = User.objects.get(pk=chef.pk)
    assert not chef.has_perm("core.delete_booking")
    assert Group not in admin.site._registry


def test_permissions_are_asked_at_the_objects_station(demo):
    # A manager at Fremont who is customer support at Sacramento refunds at Fremont only.
    from identity.models import Role, UserRole

    user = User.objects.create_user("two.hats@myhibachi.test", "x", is_staff=True)
    UserRole.objects.create(user=user, role=Role.objects.get(name="station_manager"), station=demo.fremont)
    UserRole.objects.create(
        user=user, role=Role.objects.get(name="customer_support"), station=demo.sacramento
    )

    fremont_payment, sacramento_payment = demo.rows[Payment]
    assert user.has_perm("payment.refund")  # somewhere
    assert user.has_perm("payment.refund", fremont_payment)
    assert not user.has_perm("payment.refund", sacramento_payment)
    assert user.has_perm("booking.read", sacramento_payment.booking)


def test_every_registered_admin_is_scoped_and_mapped():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, StationScopedAdmin), model
        assert model._meta.label_lower in catalog.ADMIN_MODEL_PERMISSIONS, model
        for inline in model_admin.inlines:
            assert issubclass(inline, StationScopedInline), inline


# role -> models the admin index lists (of those below)
INDEX = {
    SUPPORT: {"booking", "customer", "payment", "lead", "chef", "chefavailability", "station"},
    CHEF: {"booking", "chefavailability"},
}
INDEX_MODELS = {
    "booking", "customer", "payment", "lead", "chef", "chefavailability", "station", "auditlog",
    "securityevent", "user", "role", "accessattempt",
}  # fmt: skip


@pytest.mark.parametrize("role", list(INDEX))
def test_the_admin_index_lists_what_the_role_may_see(demo, login, role):
    response = login(role).get("/admin/")
    assert response.status_code == 200
    listed = {model["object_name"].lower() for app in response.context["app_list"] for model in app["models"]}
    assert listed & INDEX_MODELS == INDEX[role]
