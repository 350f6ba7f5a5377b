"""One normal form of an email address everywhere: docs/business-rules.md "Email addresses".

NFKC, then case-folded, compared by equality: the login lookup, the lockout's key, the customer
lookup and uniqueness. A spelling that only PostgreSQL's case folding equates (the dotless
"\u0131" for "i") is another address: it neither logs in to the account nor gets fresh attempts
against it.
"""

import pytest
from django.test import Client
from django.urls import reverse

from core.models import Customer
from core.selectors import customer_by_email
from core.services.customers import customer_get_or_create
from identity.models import User
from identity.security import axes_username
from kernel.contact import normalize_email
from tests.core.factories import CustomerFactory
from tests.identity.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's
DOTLESS = "lockout.\u0131s@myhibachi.test"


def _login(client: Client, email: str, password: str):
    return client.post(reverse("admin:login"), {"username": email, "password": password})


@pytest.mark.parametrize(
    "given, normal",
    [
        ("  Ada@Example.COM ", "ada@example.com"),
        ("\uff41\uff44\uff41@example.com", "ada@example.com"),  # fullwidth letters
        ("STRASSE@example.com", "strasse@example.com"),
        ("Stra\u00dfe@example.com", "strasse@example.com"),  # casefold: sharp s is "ss"
        (DOTLESS, DOTLESS),  # the dotless i stays itself: another address
    ],
)
def test_an_email_is_normalised_by_nfkc_and_case_folding(given, normal):
    assert normalize_email(given) == normal


def test_a_dotless_i_respelling_logs_in_to_nobody_even_with_the_right_password(db):
    # Given a staff user whose address has a plain "i"
    UserFactory(email="lockout.is@myhibachi.test")
    client = Client(REMOTE_ADDR="203.0.113.60")

    # When someone logs in with the dotless spelling and the right password
    response = _login(client, DOTLESS, PASSWORD)

    # Then nobody is logged in
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_locked_account_stays_locked_whatever_the_spelling_of_its_email(db):
    # Given an account locked by five failures from one address
    UserFactory(email="lockout.is@myhibachi.test")
    client = Client(REMOTE_ADDR="203.0.113.61")
    for _ in range(5):
        _login(client, "lockout.is@myhibachi.test", "wrong")

    # When the right password is tried under every respelling
    for spelling in ("LOCKOUT.IS@myhibachi.test", "\uff4cockout.is@myhibachi.test", DOTLESS):
        response = _login(client, spelling, PASSWORD)
        # Then none of them logs in
        assert "_auth_user_id" not in client.session, spelling
        assert response.status_code in (200, 429)
    # And the spellings that are the same address count against the same lock
    assert axes_username(None, {"username": "\uff4cockout.IS@myhibachi.test"}) == "lockout.is@myhibachi.test"


def test_staff_log_in_under_the_normal_form_of_their_email(db):
    UserFactory(email="casey@myhibachi.test")
    client = Client(REMOTE_ADDR="203.0.113.62")

    _login(client, "\uff43asey@MyHibachi.test", PASSWORD)  # a fullwidth "c"

    assert "_auth_user_id" in client.session


def test_a_new_staff_user_is_stored_under_the_normal_form():
    user = User.objects.create_user("Stra\u00dfe@MyHibachi.test", "a-long-enough-passphrase-42")

    assert user.email == "strasse@myhibachi.test"


def test_a_customer_is_found_by_the_normal_form_and_a_dotless_respelling_is_another_customer(db):
    stored = CustomerFactory(email="lockout.is@example.com")

    assert customer_by_email("LOCKOUT.IS@example.com") == stored
    assert customer_by_email("lockout.\u0131s@example.com") is None
    other, created = customer_get_or_create(
        email="lockout.\u0131s@example.com", first_name="Other", last_name="Person", actor=_actor()
    )
    assert other.pk != stored.pk and created
    assert Customer.objects.count() == 2


def _actor():
    from audit.actor import Actor

    return Actor.system()
