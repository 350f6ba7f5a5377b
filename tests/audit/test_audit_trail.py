"""Every write through the staff panel is in the audit trail, and the trail cannot be altered."""

import json

import pytest
from django.db import DatabaseError, connection, transaction

from audit.actor import Actor
from audit.models import AuditLog, SecurityEvent
from audit.services import ENCRYPTED_PLACEHOLDER, audit_log_write, security_event_record
from core.models import Booking
from identity.models import Role, User, UserRole
from identity.staff_panel.audit_trail import admin_actor
from ops.models import Chef, ChefAvailability
from tests.identity.staff import (
    ADMIN,
    CLIENT_AGENT,
    CLIENT_IP,
    MANAGER_FREMONT,
    SUPER_ADMIN,
    admin_url,
    form_data,
)

pytestmark = pytest.mark.django_db


def _rows(action: str, instance) -> list[AuditLog]:
    return list(
        AuditLog.objects.filter(
            action=action, resource_type=instance._meta.label_lower, resource_id=str(instance.pk)
        ).order_by("created_at")
    )


def test_an_admin_edit_is_audited_with_before_after_actor_role_station_ip(demo, login):
    client = login(MANAGER_FREMONT)
    chef = demo.row(Chef, "fremont")
    old_phone = chef.phone
    data = form_data(client.get(admin_url(Chef, "change", chef.pk)))
    data["phone"] = "+15105559999"

    response = client.post(admin_url(Chef, "change", chef.pk), data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    (row,) = _rows("admin.change", chef)
    manager = User.objects.get(email=MANAGER_FREMONT)
    assert row.actor_type == AuditLog.ActorType.USER
    assert (row.actor_id, row.actor_label, row.role) == (manager.pk, manager.email, "station_manager")
    assert (row.ip_address, row.user_agent) == (CLIENT_IP, CLIENT_AGENT)
    assert row.station_id == demo.fremont.pk
    assert row.before == {"phone": old_phone}
    assert row.after == {"phone": "+15105559999"}


def test_adding_and_deleting_are_audited(demo, login):
    client = login(MANAGER_FREMONT)
    chef = Chef.objects.filter(station=demo.fremont).exclude(pk=demo.row(Chef, "fremont").pk).first()
    response = client.post(
        admin_url(ChefAvailability, "add"),
        {"chef": str(chef.pk), "date": "2031-05-04", "slot": "", "is_available": "", "note": "Dentist"},
    )
    assert response.status_code == 302
    entry = ChefAvailability.objects.get(chef=chef, note="Dentist")
    (added,) = _rows("admin.add", entry)
    assert added.after["note"] == "Dentist"
    assert added.after["chef"] == str(chef.pk)
    assert added.station_id == demo.fremont.pk

    response = client.post(admin_url(ChefAvailability, "delete", entry.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not ChefAvailability.objects.filter(pk=entry.pk).exists()
    deleted = AuditLog.objects.get(action="admin.delete", resource_id=str(entry.pk))
    assert deleted.before["note"] == "Dentist"
    assert deleted.role == "station_manager"


def test_a_bulk_delete_action_audits_each_row(demo, login):
    client = login(MANAGER_FREMONT)
    chef = demo.row(Chef, "fremont")
    entries = [
        ChefAvailability.objects.create(chef=chef, date=f"2031-06-0{day}", is_available=False, note="Bulk")
        for day in (1, 2)
    ]
    response = client.post(
        admin_url(ChefAvailability, "changelist"),
        {"action": "delete_selected", "_selected_action": [str(e.pk) for e in entries], "post": "yes"},
    )
    assert response.status_code == 302
    assert set(
        AuditLog.objects.filter(action="admin.delete", resource_type="ops.chefavailability").values_list(
            "resource_id", flat=True
        )
    ) >= {str(e.pk) for e in entries}


def test_inline_rows_are_audited(demo, login):
    # The admin grants a role to a new user on the user's page: the role row is audited.
    client = login(ADMIN)
    role = Role.objects.get(name="customer_support")
    response = client.post(
        admin_url(User, "add"),
        {
            "email": "new.support@myhibachi.test",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase-42",
            "password2": "a-long-enough-passphrase-42",
            "user_roles-TOTAL_FORMS": "1",
            "user_roles-INITIAL_FORMS": "0",
            "user_roles-0-role": str(role.pk),
            "user_roles-0-station": str(demo.fremont.pk),
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.support@myhibachi.test")
    user_role = UserRole.objects.get(user=user)
    (granted,) = _rows("admin.add", user_role)
    assert granted.after["role"] == str(role.pk)
    assert granted.role == "admin"
    (created,) = _rows("admin.add", user)
    assert created.after["password"] == "[redacted]"  # never a password hash in the trail


def test_an_encrypted_field_is_never_written_in_clear(demo, login):
    client = login(SUPER_ADMIN)
    booking = (
        Booking.objects.filter(station=demo.fremont, status__in=Booking.ACTIVE_STATUSES)
        .order_by("reference")
        .first()
    )
    # The address changes through the staff action that re-quotes it (issue 9, item 9).
    response = client.post(
        admin_url(Booking, "changelist"),
        {
            "action": "change_address",
            "_selected_action": [str(booking.pk)],
            "apply": "apply",
            "line1": "1 Secret Garden Ln",
            "city": "Fremont",
            "state": "CA",
            "zip_code": booking.zone,
        },
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.address == f"1 Secret Garden Ln, Fremont, CA {booking.zone}"
    (row,) = _rows("booking.change_address", booking)
    assert row.before["address"] == row.after["address"] == ENCRYPTED_PLACEHOLDER
    assert "Secret Garden" not in json.dumps([row.before, row.after])


def test_the_audit_row_is_in_the_edits_transaction(demo, login, monkeypatch):
    # The audit write fails: the edit is not saved either.
    def refuse(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr("identity.staff_panel.audit_trail.audit_log_write", refuse)
    client = login(MANAGER_FREMONT)
    client.raise_request_exception = True
    chef = demo.row(Chef, "fremont")
    data = form_data(client.get(admin_url(Chef, "change", chef.pk)))
    data["phone"] = "+15105550000"

    with pytest.raises(RuntimeError):
        client.post(admin_url(Chef, "change", chef.pk), data)

    chef.refresh_from_db()
    assert chef.phone != "+15105550000"


def test_the_audit_admin_stays_read_only_for_its_readers(demo, login):
    client = login(MANAGER_FREMONT)
    row = demo.row(AuditLog, "fremont")
    assert client.get(admin_url(AuditLog, "change", row.pk)).status_code == 200
    assert client.post(admin_url(AuditLog, "change", row.pk), {"action": "x"}).status_code == 403
    assert client.post(admin_url(AuditLog, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert AuditLog.objects.filter(pk=row.pk, action=row.action).exists()


@pytest.mark.parametrize(
    "statement",
    [
        'UPDATE "audit"."audit_logs" SET action = %s WHERE id = %s',
        'DELETE FROM "audit"."audit_logs" WHERE id = %s',
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_alter_an_audit_row(db, statement):
    row = AuditLog.objects.create(actor_type="system", action="booking.create", resource_type="core.booking")
    params = ["tampered", row.pk] if statement.startswith("UPDATE") else [row.pk]

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)

    row.refresh_from_db()
    assert row.action == "booking.create"


def test_admin_actor_gives_the_primary_role(demo, rf):
    request = rf.get("/admin/", REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=CLIENT_AGENT)
    request.user = User.objects.get(email=MANAGER_FREMONT)
    actor = admin_actor(request)
    assert (actor.type, actor.role, actor.ip_address, actor.user_agent) == (
        "user",
        "station_manager",
        CLIENT_IP,
        CLIENT_AGENT,
    )
    assert Actor.from_request(request, role="chef").role == "chef"


def test_a_nul_taken_from_a_request_is_recorded_not_a_database_error():
    """jsonb and text columns take no NUL: a token's prefix or a User-Agent with one failed the write."""
    actor = Actor.customer(user_agent="curl\x00/8", ip_address="203.0.113.7")

    event = security_event_record(
        type=SecurityEvent.Type.TOKEN_INVALID, details={"token_prefix": "\x00abc", "k\x00": ["x\x00"]}
    )
    row = audit_log_write(actor=actor, action="test.nul", resource_type="test", after={"note": "a\x00b"})

    event.refresh_from_db()
    row.refresh_from_db()
    assert event.details == {"token_prefix": "\ufffdabc", "k\ufffd": ["x\ufffd"]}
    assert row.user_agent == "curl\ufffd/8"
    assert row.after == {"note": "a\ufffdb"}
