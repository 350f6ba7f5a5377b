"""A database outage answers 503 with Retry-After (the API in its error shape, the staff panel a
plain page), never Django's HTML 500, and the site recovers by itself."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from tests.identity.factories import UserFactory

pytestmark = pytest.mark.django_db


def _database_down():
    """Every new cursor fails as psycopg does when PostgreSQL refuses the connection."""
    error = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    return mock.patch.object(BaseDatabaseWrapper, "_cursor", side_effect=error)


def test_the_api_answers_503_in_the_error_shape_with_retry_after_when_the_database_is_down():
    client = Client(raise_request_exception=False)

    with _database_down():
        response = client.get("/api/v1/reviews/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "service_unavailable" and set(error) == {"code", "message", "fields"}


def test_a_database_failure_after_the_view_is_a_503_too():
    # A logged-in staff session is read by the admin's middleware and views; the login page
    # writes the session after its view. Either way: a 503 page, not a 500.
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_superuser=True))

    with _database_down():
        response = client.get("/admin/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert b"Briefly unavailable" in response.content


def test_the_api_recovers_by_itself_when_the_database_is_back():
    client = Client(raise_request_exception=False)
    with _database_down():
        assert client.get("/api/v1/reviews/").status_code == 503

    response = client.get("/api/v1/reviews/")

    assert response.status_code == 200


def test_other_server_errors_stay_500_and_are_not_called_unavailable(rf):
    from kernel.outages import server_error

    request = rf.get("/admin/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)

    assert response.status_code == 500


def test_a_database_outage_outside_any_view_is_a_503_too(rf):
    # handler500: a query that fails in a middleware (a session saved after the view)
    from kernel.outages import server_error

    for path, content_type in (("/api/v1/reviews/", "application/json"), ("/admin/", "text/html")):
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            response = server_error(rf.get(path))
        assert response.status_code == 503 and response["Retry-After"] == "30"
        assert response["Content-Type"].startswith(content_type)
