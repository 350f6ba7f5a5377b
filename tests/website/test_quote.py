"""The instant quote page: /quote/ (a GET form; htmx swaps only the result)."""

import pytest

pytestmark = pytest.mark.django_db

PARTY = {"party_adults": "10", "party_kids": "2", "party_toddlers": "1", "zip_code": "94539"}


def test_quote_itemises_the_party_with_travel_total_deposit_and_balance(client, station):
    response = client.get("/quote/", {**PARTY, "item_filet_mignon": "4"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Adults (13+) \u00d7 10" in page and "$550.00" in page
    assert "Filet Mignon \u00d7 4" in page and "$20.00" in page
    assert 'data-testid="quote-total">$630.00<' in page
    assert "$100.00" in page and "$530.00" in page  # deposit, balance on the day
    assert "Travel (" in page


def test_quote_below_the_party_minimum_says_the_minimum_was_applied(client, station):
    page = client.get("/quote/", {"party_adults": "4", "zip_code": "94539"}).content.decode()

    assert "party minimum is $550.00" in page
    assert 'data-testid="quote-total">$550.00<' in page


def test_book_this_party_carries_the_choices_into_the_booking_page(client, station):
    page = client.get("/quote/", {**PARTY, "item_gyoza": "3", "event_date": "2099-07-04"}).content.decode()

    assert (
        "/book/?party_adults=10&amp;party_kids=2&amp;party_toddlers=1&amp;item_gyoza=3&amp;zip_code=94539"
        in page
    )
    assert "month=2099-07" in page


def test_quote_with_no_adults_explains_the_error_next_to_the_field(client, station):
    response = client.get("/quote/", {**PARTY, "party_adults": "0"})

    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-describedby="id_party_adults-error"' in page
    assert 'id="id_party_adults-error"' in page


def test_quote_outside_the_service_area_says_so_at_the_zip_code(client, station):
    response = client.get("/quote/", {**PARTY, "zip_code": "10001"})  # New York

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_zip_code-error"' in page
    assert "service area" in page
    assert "quote-total" not in page


def test_quote_with_more_upgrades_than_protein_choices_is_refused(client, station):
    response = client.get("/quote/", {"party_adults": "1", "zip_code": "94539", "item_lobster_tail": "3"})

    assert response.status_code == 400
    assert "protein upgrades" in response.content.decode()


def test_the_live_update_returns_only_the_quote_result(client, station):
    response = client.get("/quote/", PARTY, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="quote-result"')
    assert "<html" not in page
    assert "quote-total" in page


def test_the_live_update_lists_the_errors_in_the_result(client, station):
    response = client.get("/quote/", {**PARTY, "zip_code": "12"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "ZIP code: Enter a 5-digit ZIP code." in response.content.decode()


def test_quotes_are_throttled_like_the_api(client, station, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "quotes": "2/min"}

    statuses = [client.get("/quote/", PARTY).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
