"""Issue 9, item 19: the API docs work without internet — Swagger UI and ReDoc from our own
static files (drf-spectacular-sidecar), never a CDN."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_load_every_asset_from_our_own_static_files(client, url):
    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', page)
    assert assets, page
    for asset in assets:
        assert asset.startswith("/static/"), asset  # not jsdelivr, not unpkg
        assert finders.find(asset.removeprefix("/static/")), asset
    assert not re.search(r"cdn\.|jsdelivr|unpkg", page, re.IGNORECASE)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_make_no_request_to_another_host(client, url):
    page = client.get(url).content.decode()

    external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', page)
    assert external == []  # no Google Fonts, no CDN: the docs work offline
