"""The served pages in a real headless Chromium (Debian's, through Playwright) against a real uvicorn on
loopback, started once for the module: `/` at desktop and phone (390 px) widths logs no error, asks nothing
of any host but 127.0.0.1, draws the map tiles, shows the whole changes table; the substance switch works
with the page's one first-party script under the Content-Security-Policy; the API docs render offline."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright import sync_api

from regwatch.serve import create_app
from regwatch.store import Store
from tests.helpers.browser import CHROMIUM_ARGS, chromium_or_skip
from tests.serve.serve_sample import SECOND


@pytest.fixture(scope="module")
def chromium_path() -> Path:
    """As tests/reports/test_reports_browser.py: skipped where absent, unless REGWATCH_REQUIRE_BROWSER=1."""
    return chromium_or_skip()


@pytest.fixture(scope="module")
def server(store: Store) -> Iterator[str]:
    """uvicorn serving the app on a free loopback port, in a thread, for the whole module."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not running.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def watched(browser: sync_api.Browser, width: int) -> tuple[sync_api.Page, list[str], list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, requests, errors


@pytest.mark.parametrize("width", [1280, 390])
def test_index_at_desktop_and_phone_widths(browser: sync_api.Browser, server: str, width: int, tmp_path: Path) -> None:
    page, requests, errors = watched(browser, width)
    try:
        page.goto(f"{server}/?as_of={SECOND.isoformat()}", wait_until="load")
        assert page.locator("h1").text_content() == f"Kratom regulatory status as of {SECOND.isoformat()}"
        assert page.locator("[data-jurisdiction]").count() == 2 * 52  # kratom and 7-OH maps: 50 states, DC, PR
        assert page.locator('[data-jurisdiction="US-TX"] text').first.text_content() == "TX"
        cells = page.locator("#changes table td")
        assert cells.count() >= 7
        page.screenshot(path=str(tmp_path / f"index-{width}.png"), full_page=True)
        # The whole changes table is on the screen's width: every cell (Evidence, the last column, too).
        for box in (cells.nth(i).bounding_box() for i in range(cells.count())):
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, box
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing widens the page
        if width == 390:
            assert page.locator("#changes td[data-label='Evidence']").first.is_visible()
    finally:
        page.close()
    assert errors == []
    assert requests and all(url.startswith(server + "/") for url in requests), requests


def test_substance_switch_with_and_without_script(browser: sync_api.Browser, server: str) -> None:
    page, requests, errors = watched(browser, 1280)
    try:
        page.goto(f"{server}/?as_of={SECOND.isoformat()}", wait_until="load")
        with page.expect_navigation():
            page.select_option("select[name=substance]", "7-oh")  # the script submits on change
        assert "substance=7-oh" in page.url and f"as_of={SECOND.isoformat()}" in page.url
        assert page.locator("svg.tilemap").count() == 1
        page.locator("svg a:has([data-jurisdiction='US-FL'])").first.click()
        page.wait_for_url(f"**/jurisdictions/US-FL?as_of={SECOND.isoformat()}")
        assert page.locator("h1").text_content() == "Florida (US-FL)"
    finally:
        page.close()
    assert errors == []
    assert all(url.startswith(server + "/") for url in requests), requests
    context = browser.new_context(java_script_enabled=False)  # progressive enhancement: the plain form works
    try:
        plain = context.new_page()
        plain.goto(f"{server}/?as_of={SECOND.isoformat()}", wait_until="load")
        plain.select_option("select[name=substance]", "synthetic")
        with plain.expect_navigation():
            plain.click("form.controls button[type=submit]")
        assert "substance=synthetic" in plain.url
    finally:
        context.close()


def test_api_docs_render_offline(browser: sync_api.Browser, server: str) -> None:
    page, requests, errors = watched(browser, 1280)
    try:
        page.goto(f"{server}/docs", wait_until="load")
        page.get_by_text("/api/matrix", exact=True).first.wait_for(timeout=15_000)
    finally:
        page.close()
    assert errors == []
    assert all(url.startswith(server + "/") for url in requests), requests
