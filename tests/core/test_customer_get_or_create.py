"""customer_get_or_create: one customer per email (docs/business-rules.md "Customers and
consent"), even when another request creates the same email between our look and our insert."""

import pytest
from django.db import transaction

from audit.actor import Actor
from audit.models import AuditLog
from core.models import Customer
from core.services import customers
from core.services.customers import customer_get_or_create
from tests.core.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ACTOR = Actor.customer(label="website")


def test_a_new_email_is_inserted_once_with_its_audit_row():
    customer, created = customer_get_or_create(
        email="New@Example.com", first_name="Ann", last_name="Lee", actor=ACTOR
    )

    assert Customer.objects.get(pk=customer.pk).email == "new@example.com"
    assert not customer._state.adding and created
    assert AuditLog.objects.filter(action="customer.create", resource_id=str(customer.pk)).count() == 1


def test_an_email_created_by_another_request_meanwhile_is_theirs_and_our_transaction_goes_on(monkeypatch):
    # Given the other request's customer, committed after our first look found nobody
    theirs = CustomerFactory(email="race@example.com", first_name="First")
    looks = iter([None])
    real_look = customers._locked_by_email
    monkeypatch.setattr(customers, "_locked_by_email", lambda email: next(looks, None) or real_look(email))

    with transaction.atomic():
        ours, created = customer_get_or_create(
            email="race@example.com", first_name="Second", last_name="X", actor=ACTOR
        )
        # Then our insert gave way without aborting the transaction (no savepoint needed)
        assert Customer.objects.filter(email="race@example.com").count() == 1

    assert ours.pk == theirs.pk and not created
    assert ours.first_name == "First"
    assert not AuditLog.objects.filter(action="customer.create").exists()
