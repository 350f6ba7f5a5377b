"""The staff panel's lead actions: change status and convert to a customer, through the admin."""

import pytest
from django.contrib import admin

from audit.models import AuditLog
from core.models import Customer
from crm.models import Lead
from leads.models import LeadEvent
from tests.staff_panel import (
    CHEF,
    MANAGER_FREMONT,
    SUPPORT,
    client_for,
    demo_database,
    messages_of,
    offered_actions,
    post_action,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with demo_database(django_db_blocker):
        yield


@pytest.fixture
def support(demo_data, db):
    return client_for(SUPPORT)


def lead(first_name: str) -> Lead:
    return Lead.objects.get(first_name=first_name)


def audit_rows(obj, action: str) -> list[AuditLog]:
    return list(AuditLog.objects.filter(resource_id=str(obj.pk), action=action))


def test_support_moves_a_new_lead_to_contacted_with_a_reason(support):
    anjali = lead("Anjali")

    form_page = post_action(support, Lead, "change_status", [anjali])
    assert "converted" not in dict(form_page.context["form"].fields["status"].choices)
    response = post_action(
        support, Lead, "change_status", [anjali], {"status": "contacted", "reason": "Called back"}
    )

    anjali.refresh_from_db()
    assert anjali.status == Lead.Status.CONTACTED and anjali.contacted_at
    assert messages_of(response) == ["Moved Anjali Gupta to contacted."]
    event = LeadEvent.objects.get(lead=anjali, event_type=LeadEvent.Type.STATUS_CHANGED)
    assert event.payload["reason"] == "Called back" and event.payload["by"] == SUPPORT
    [audit] = audit_rows(anjali, "lead.status_changed")
    assert (audit.actor_label, audit.role) == (SUPPORT, "customer_support")


def test_a_move_the_funnel_does_not_allow_is_a_message(support):
    patricia = lead("Patricia")  # lost: can only be reopened as contacted or nurturing

    response = post_action(support, Lead, "change_status", [patricia], {"status": "qualified"})

    patricia.refresh_from_db()
    assert patricia.status == Lead.Status.LOST
    assert messages_of(response) == ["Patricia Gomez: A lost lead cannot become qualified."]


def test_converting_a_lead_creates_the_customer_from_its_email(support):
    anjali = lead("Anjali")
    assert not Customer.objects.filter(email__iexact="anjali.gupta@example.com").exists()

    response = post_action(support, Lead, "convert_to_customer", [anjali])

    anjali.refresh_from_db()
    customer = Customer.objects.get(email="anjali.gupta@example.com")
    assert (customer.first_name, customer.last_name, customer.phone) == ("Anjali", "Gupta", "+15105550301")
    assert (anjali.status, anjali.customer, bool(anjali.conversion_date)) == ("converted", customer, True)
    assert messages_of(response) == ["Converted Anjali Gupta to customers."]
    [audit] = audit_rows(anjali, "lead.convert")
    assert audit.after["customer"] == str(customer.pk) and audit.station_id == anjali.station_id
    assert audit_rows(customer, "customer.create")


def test_converting_finds_the_existing_customer_by_email_whatever_its_case(support):
    derek = lead("Derek")  # derek.shaw@example.com
    existing = Customer.objects.create(
        first_name="Derek", last_name="Shaw-Lee", email="Derek.Shaw@Example.COM"
    )
    customers = Customer.objects.count()

    post_action(support, Lead, "convert_to_customer", [derek])

    derek.refresh_from_db()
    assert derek.customer == existing and derek.status == Lead.Status.CONVERTED
    assert Customer.objects.count() == customers
    existing.refresh_from_db()
    assert existing.last_name == "Shaw-Lee"  # an existing customer's details are left alone


def test_a_lead_without_an_email_or_a_lost_lead_is_not_converted(support):
    jordan, patricia = lead("Jordan"), lead("Patricia")  # Instagram only; lost

    response = post_action(support, Lead, "convert_to_customer", [jordan, patricia])

    jordan.refresh_from_db()
    patricia.refresh_from_db()
    assert (jordan.status, jordan.customer) == ("new", None)
    assert patricia.status == "lost"
    assert sorted(messages_of(response)) == [
        "Jordan Ellis: This lead has no email address: add one to its contacts before converting.",
        "Patricia Gomez: A lost lead cannot be converted; reopen it first.",
    ]
    assert not AuditLog.objects.filter(action="lead.convert").exists()


def test_converting_a_converted_lead_again_changes_nothing(support):
    kevin = lead("Kevin")  # converted when he booked
    before = (kevin.customer_id, kevin.conversion_date)

    post_action(support, Lead, "convert_to_customer", [kevin])

    kevin.refresh_from_db()
    assert (kevin.customer_id, kevin.conversion_date) == before
    assert not audit_rows(kevin, "lead.convert")


def test_a_manager_cannot_convert_another_stations_lead(demo_data, db):
    wei = lead("Wei")  # Sacramento

    post_action(client_for(MANAGER_FREMONT), Lead, "convert_to_customer", [wei])

    wei.refresh_from_db()
    assert wei.status == Lead.Status.NEW


def test_a_chef_has_no_lead_actions(demo_data, db):
    chef = client_for(CHEF)
    anjali = lead("Anjali")

    post_action(chef, Lead, "convert_to_customer", [anjali])

    anjali.refresh_from_db()
    assert anjali.status == Lead.Status.NEW


def test_the_status_is_changed_by_the_actions_not_the_form(support):
    assert {"change_status", "convert_to_customer"} <= offered_actions(support, Lead)
    assert "status" in admin.site._registry[Lead].readonly_fields
