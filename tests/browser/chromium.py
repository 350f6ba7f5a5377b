"""Where the browser tests find Chromium, and the one line printed when they cannot."""

import os

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
SKIP_REASON = (
    f"browser tests skipped: no Chromium at {CHROMIUM_PATH} "
    "(apt-get install chromium, or set CHROMIUM_PATH; REQUIRE_BROWSER=1 makes this a failure)"
)


def browser_available() -> bool:
    return os.access(CHROMIUM_PATH, os.X_OK)
