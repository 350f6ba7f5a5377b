"""The one error shape of CONVENTIONS.md, for input no view should ever turn into a 500."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_deeply_nested_json_body_is_a_400_not_a_500(api_client):
    body = "[" * 20_000 + "]" * 20_000  # under the size limit, far past the recursion limit

    response = api_client.post("/api/v1/leads/", data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_malformed_json_gets_the_error_shape(api_client):
    response = api_client.post("/api/v1/leads/", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_an_oversize_body_is_refused_with_413(api_client):
    body = '{"message": "' + "x" * 100_000 + '"}'

    response = api_client.post("/api/v1/leads/", data=body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
