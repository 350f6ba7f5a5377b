"""Browser tests: a real headless Chromium (Debian's package) driven by Playwright for Python.

Playwright's own browser download cannot run here, so the tests launch the system Chromium
(CHROMIUM_PATH, default /usr/bin/chromium). Without it they are skipped with one line saying how
to enable them; with REQUIRE_BROWSER=1 (CI) they fail instead. One browser per test session,
one context per test; screenshots go to .artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.chromium import CHROMIUM_PATH, REQUIRE_BROWSER, SKIP_REASON, browser_available

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".artifacts" / "screenshots"
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    # Without Chromium: skipped, or (REQUIRE_BROWSER=1) left to fail in the browser fixture.
    if browser_available() or REQUIRE_BROWSER:
        return
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def browser():
    if not browser_available():
        pytest.fail(f"REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM_PATH}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses
    # database calls from a thread with a running loop. The tests' own database calls are plain
    # synchronous ones between browser steps, so Django's guard is lifted for this process.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class PageChecker:
    """What every page of a journey gets: a screenshot, an axe-core run, and no CSP violation."""

    def __init__(self, page, viewport: str, *, javascript: bool = True):
        self.page = page
        self.viewport = viewport
        # axe-core is JavaScript: a page with JavaScript off cannot run it (its HTML is the same
        # as with JavaScript on, where the journey checks it).
        self.run_axe = javascript
        self.csp_violations: list[str] = []
        self.axe_results: dict[str, list[str]] = {}
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_violations.append(message.text)

    def check(self, name: str) -> None:
        """Screenshot the page, run axe-core on it, and fail on a serious or critical violation."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.viewport}-{name}.png"), full_page=True)
        if not self.run_axe:
            return
        # Evaluated through the DevTools protocol, so our CSP (no inline scripts) does not block it.
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_SCRIPT.read_text())
        violations = self.page.evaluate(
            """async () => {
                const results = await axe.run(document, {resultTypes: ['violations']});
                return results.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => `${v.id} (${v.impact}): `
                        + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
            }"""
        )
        self.axe_results[name] = violations
        assert violations == [], f"axe-core on {name} ({self.viewport}): {violations}"
        assert self.csp_violations == [], f"CSP violations on {name}: {self.csp_violations}"


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def page_for(browser) -> Iterator:
    """page_for(viewport, javascript=True) -> (page, checker); contexts closed after the test."""
    contexts = []

    def make(viewport: str, *, javascript: bool = True):
        context = browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        return page, PageChecker(page, viewport if javascript else f"{viewport}-nojs", javascript=javascript)

    yield make
    for context in contexts:
        context.close()


MANAGE_LINK = re.compile(r"https?://[^\s]+/manage/[^\s/]+")
