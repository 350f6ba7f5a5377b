"""The public pages: home, reviews, contact, robots.txt, sitemap.xml, errors, headers."""

import pytest

from ai.models import Knowledge
from core.models import Review
from crm.models import Lead
from pricing.catalogue import catalogue
from tests.core.factories import BookingFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_home_shows_the_catalogue_prices_the_service_area_and_the_call_to_action(client, station):
    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    for text in ("$55.00", "$30.00", "Free", "$550.00", "$100.00", "Lobster Tail", "+$15.00", "Gyoza"):
        assert text in page
    assert "Fremont" in page and "the first 30 miles are free" in page
    assert 'href="/quote/"' in page
    assert "20\u201335%" in page


def test_home_lists_approved_reviews_and_faq_but_never_a_pending_review(client, station):
    ReviewFactory(
        booking=BookingFactory(station=station, status="completed"), content="Loved the onion volcano"
    )
    ReviewFactory(
        booking=BookingFactory(station=station, status="completed"),
        content="Waiting for moderation",
        status=Review.Status.PENDING,
    )
    Review.objects.filter(content="Loved the onion volcano").update(status=Review.Status.APPROVED)
    Knowledge.objects.create(title="Do you cook indoors?", body="Outdoors only.", category="faq")

    page = client.get("/").content.decode()

    assert "Loved the onion volcano" in page
    assert "Waiting for moderation" not in page
    assert "Do you cook indoors?" in page


def test_reviews_page_shows_the_average_and_pages_through_approved_reviews(client, station):
    for rating in (5, 4) * 6:
        ReviewFactory(
            booking=BookingFactory(station=station, status="completed"), rating=rating, status="approved"
        )

    first = client.get("/reviews/").content.decode()
    second = client.get("/reviews/?page=2").content.decode()

    assert "4.5 out of 5 from 12 reviews" in first
    assert first.count('class="card review"') == 10
    assert second.count('class="card review"') == 2
    assert "Page 2 of 2" in second


def test_contact_form_creates_a_lead_and_thanks_the_customer(client, station):
    response = client.post(
        "/contact/",
        {
            "first_name": "Ann",
            "email": "ann@example.com",
            "message": "Corporate party for 40?",
            "party_adults": 40,
        },
    )

    assert response.status_code == 302 and response["Location"] == "/contact/thanks/"
    lead = Lead.objects.get()
    assert lead.source == Lead.Source.WEBSITE
    assert "Thank you" in client.get(response["Location"]).content.decode()


def test_contact_form_without_an_email_or_phone_is_refused_with_the_reason(client, station):
    response = client.post("/contact/", {"first_name": "Ann", "message": "Hi"})

    assert response.status_code == 400
    assert "Give us an email or a phone number" in response.content.decode()
    assert not Lead.objects.exists()


def test_contact_form_with_an_invalid_phone_says_so_next_to_the_phone(client, station):
    response = client.post("/contact/", {"first_name": "Ann", "phone": "12", "message": "Hi"})

    assert response.status_code == 400
    assert 'id="id_phone-error"' in response.content.decode()


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(client, db):
    body = client.get("/robots.txt").content.decode()

    assert "Disallow: /manage/" in body and "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_sitemap_lists_the_public_pages_only(client, db):
    response = client.get("/sitemap.xml")

    assert response["Content-Type"].startswith("application/xml")
    body = response.content.decode()
    for path in ("/", "/quote/", "/book/", "/reviews/", "/contact/"):
        assert f"<loc>http://testserver{path}</loc>" in body
    assert "/manage/" not in body


def test_an_unknown_page_is_the_site_404_page(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_pages_carry_open_graph_tags(client, station):
    page = client.get("/").content.decode()

    assert (
        '<meta property="og:title"' in page
        and '<meta property="og:url" content="http://testserver/">' in page
    )


def test_pages_forbid_inline_scripts_and_framing(client, station):
    policy = client.get("/").headers["Content-Security-Policy"]

    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "stripe" not in policy


def test_no_page_of_the_site_has_an_inline_script(client, station):
    for path in ("/", "/quote/", "/book/?zip_code=94539", "/reviews/", "/contact/", "/manage/"):
        page = client.get(path).content.decode()
        assert "<script>" not in page and " on" + "click=" not in page, path


def test_static_files_are_served_by_whitenoise(client, db):
    response = client.get("/static/website/site.css")

    assert response.status_code == 200
    assert b"--brand" in b"".join(response.streaming_content)


def test_admin_view_site_goes_to_the_home_page():
    from django.contrib import admin

    assert admin.site.site_url == "/"


def test_the_api_accepts_a_configured_customer_site_origin(client, settings, station):
    settings.CORS_ALLOWED_ORIGINS = ["https://www.myhibachichef.com"]

    response = client.options(
        "/api/v1/quotes/",
        HTTP_ORIGIN="https://www.myhibachichef.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, idempotency-key",
    )

    assert response["Access-Control-Allow-Origin"] == "https://www.myhibachichef.com"
    assert "idempotency-key" in response["Access-Control-Allow-Headers"]


def test_the_api_allows_no_other_origin_by_default(client, station):
    response = client.options(
        "/api/v1/quotes/", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )

    assert "Access-Control-Allow-Origin" not in response


def test_the_500_page_renders_in_the_site_look_without_a_request_context(db):
    from django.template.loader import render_to_string

    page = render_to_string("500.html")

    assert "Something went wrong on our side" in page and "site.css" in page


def test_a_server_error_answers_the_site_500_page(client, station, monkeypatch, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("website.views.pages.menu_read", broken)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_without_a_pricing_policy_the_quote_page_says_we_will_be_right_back(client, db):
    response = client.get("/quote/")

    assert response.status_code == 503
    assert "We'll be right back" in response.content.decode()


def test_the_home_page_reads_a_constant_number_of_queries(client, station, django_assert_max_num_queries):
    for _ in range(5):
        ReviewFactory(booking=BookingFactory(station=station, status="completed"), status="approved")
    catalogue()  # the pricing catalogue (the menu) is read once per process, not per page

    with django_assert_max_num_queries(8):
        client.get("/")


def test_the_booking_calendar_reads_a_constant_number_of_queries(
    client, station, django_assert_max_num_queries
):
    from tests.ops.factories import ChefFactory

    for _ in range(4):
        ChefFactory(station=station)

    with django_assert_max_num_queries(10):
        client.get("/book/", {"zip_code": "94539"})
