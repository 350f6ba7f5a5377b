import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_cache_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "throttling": "shared"}


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from django.db import connection

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
