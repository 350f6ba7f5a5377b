"""An unverified public form never changes a stored customer (docs/business-rules.md
"Customers and contact details"): a quote request or an inquiry with a customer's email keeps
their name, phone and consents as they are."""

import pytest

from core.models import Customer
from tests.core.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(db) -> Customer:
    return CustomerFactory(
        email="vera@example.com", first_name="Vera", last_name="Stored", phone="+14085550111"
    )


def _unchanged(customer: Customer) -> bool:
    before = (
        customer.first_name,
        customer.last_name,
        customer.phone,
        customer.sms_consent,
        customer.email_consent,
    )
    customer.refresh_from_db()
    after = (
        customer.first_name,
        customer.last_name,
        customer.phone,
        customer.sms_consent,
        customer.email_consent,
    )
    return before == after


def test_an_inquiry_with_a_stored_customers_email_changes_nothing_on_the_customer(api_client, priced, stored):
    response = api_client.post(
        "/api/v1/leads/",
        {
            "first_name": "Someone",
            "last_name": "Else",
            "email": "VERA@example.com",
            "phone": "+14085550100",
            "sms_consent": True,
            "email_consent": True,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert _unchanged(stored)


def test_a_quote_request_with_a_stored_customers_email_changes_nothing_on_the_customer(
    api_client, priced, stored
):
    response = api_client.post(
        "/api/v1/quotes/",
        {
            "party_adults": 12,
            "party_kids": 0,
            "zip_code": "94539",
            "contact": {"first_name": "Someone", "email": "vera@example.com", "phone": "+14085550100"},
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert _unchanged(stored)
