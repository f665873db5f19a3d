"""The browser the page tests drive: Debian's chromium through Playwright, run as root with nothing that
phones home (the tests also assert no request leaves). Skipped where absent, unless REGWATCH_REQUIRE_BROWSER=1
(CI) demands it."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_or_skip() -> Path:
    """The browser's path; a skip naming what is missing, or a failure where CI requires the browser."""
    if not CHROMIUM.is_file():
        message = f"no browser at {CHROMIUM}: install Debian's chromium (apt-get install -y chromium)"
    elif importlib.util.find_spec("playwright") is None:
        message = "the playwright package is missing: pip install -e '.[dev]'"
    else:
        return CHROMIUM
    if os.environ.get("REGWATCH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"REGWATCH_REQUIRE_BROWSER=1 but {message}")
    pytest.skip(message)
