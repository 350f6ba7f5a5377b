"""Issue 9, item 14: a mangled action post is a message, never a 500; a save without a change
writes no audit row."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from audit.models import AuditLog
from core.models import Booking, Customer
from tests.staff_panel import ADMIN, change_url, changelist_url, client_for, demo_database

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


@pytest.fixture
def admin_client(demo_data, db):
    return client_for(ADMIN)


@pytest.mark.parametrize("model", [Booking, Customer])
def test_an_action_posted_with_a_malformed_id_answers_with_a_message_not_a_500(admin_client, model):
    response = admin_client.post(
        changelist_url(model),
        {
            "action": "delete_selected" if model is Customer else "mark_completed",
            ACTION_CHECKBOX_NAME: ["notauuid"],
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "The selection is not valid" in response.content.decode()


def test_saving_a_booking_without_a_change_writes_no_audit_row(admin_client):
    booking = Booking.objects.order_by("reference").first()
    form = admin_client.get(change_url(booking)).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    data = {name: ("on" if value is True else value) for name, value in data.items() if value is not False}
    before = AuditLog.objects.count()

    response = admin_client.post(change_url(booking), {**data, "_save": "Save"})

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert AuditLog.objects.count() == before


def test_no_list_of_the_staff_panel_answers_a_malformed_selection_with_a_500(admin_client, db):
    from django.contrib import admin
    from django.urls import reverse

    errors = []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        actions = [name for name, *_ in model_admin._get_base_actions()] or ["delete_selected"]
        response = admin_client.post(url, {"action": actions[0], ACTION_CHECKBOX_NAME: ["notauuid"]})
        if response.status_code >= 500:
            errors.append((model._meta.label, response.status_code))

    assert errors == []
