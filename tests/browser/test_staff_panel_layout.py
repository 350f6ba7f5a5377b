"""The staff panel in a real Chromium at 1400x1000 (issue 9, item 24): nothing staff need is
clipped — the week's table spans the page, the bookings list fits with every status whole.

"""

import pytest
from django.core.management import call_command

from tests.staff_panel import ADMIN

# The shared session browser of tests/browser/conftest.py: one Playwright per process (a second
# sync Playwright in the same process refuses to start), skipped or failed as REQUIRE_BROWSER says.
pytestmark = pytest.mark.django_db(transaction=True)
VIEWPORT = {"width": 1400, "height": 1000}


@pytest.fixture
def staff_page(browser, live_server):
    call_command("seed", "--demo", verbosity=0)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", ADMIN)
    page.fill("#id_password", "hibachi-demo-2026")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    yield page, live_server.url
    context.close()


def test_at_1400_by_1000_the_weeks_table_spans_the_page_and_nothing_is_clipped(staff_page):
    page, _ = staff_page

    layout = page.evaluate(
        """() => {
        const main = document.querySelector('#content-main').getBoundingClientRect();
        const module = document.querySelector('#dashboard-upcoming');
        const table = module.querySelector('table').getBoundingClientRect();
        const statuses = [...module.querySelectorAll('.status')].map(s => s.getBoundingClientRect().right);
        return {main: main.width, table: table.width, clipped: module.scrollWidth > module.clientWidth,
                statusRight: Math.max(...statuses), viewport: window.innerWidth};
    }"""
    )

    assert layout["table"] >= 0.9 * layout["main"], layout
    assert layout["main"] >= 0.9 * 1400 - 80, layout
    assert not layout["clipped"], layout
    assert layout["statusRight"] <= layout["viewport"], layout


def test_at_1400_by_1000_the_bookings_list_fits_with_every_status_whole(staff_page):
    page, url = staff_page
    page.goto(f"{url}/admin/core/booking/")

    layout = page.evaluate(
        """() => {
        const results = document.querySelector('#changelist .results');
        const right = results.getBoundingClientRect().right;
        const badges = [...document.querySelectorAll('#result_list .booking-status')];
        return {overflow: results.scrollWidth - results.clientWidth,
                cut: badges.filter(b => b.getBoundingClientRect().right > right + 1
                                     || b.scrollWidth > b.clientWidth + 1).map(b => b.textContent),
                badges: badges.length};
    }"""
    )

    assert layout["badges"] > 0
    assert layout["overflow"] <= 1, layout
    assert layout["cut"] == [], layout
