"""index.html in a real headless browser (Debian's chromium through Playwright): it renders from a file,
makes no request off the page, logs no error, and draws the map tiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright import sync_api

from tests.helpers.browser import CHROMIUM_ARGS, chromium_or_skip
from tests.reports.report_sample import XSS, build_sample


@pytest.fixture
def chromium_path() -> Path:
    """Debian's chromium and Playwright; skipped where absent, unless REGWATCH_REQUIRE_BROWSER=1 (CI) demands them."""
    return chromium_or_skip()


def test_index_in_headless_chromium(chromium_path: Path, tmp_path: Path) -> None:

    folder = build_sample(title=XSS, summary=XSS).write(tmp_path / "reports")
    index = (folder / "index.html").resolve()
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("dialog", lambda dialog: errors.append(f"dialog opened: {dialog.message}"))
            page.goto(index.as_uri(), wait_until="load")
            tiles = page.locator("[data-jurisdiction]")
            assert tiles.count() == 2 * 52  # kratom and 7-OH maps: 50 states, DC and PR each
            assert page.locator('[data-jurisdiction="US-IN"] text').first.text_content() == "IN"
            assert page.locator("h1").text_content() == "Kratom regulatory status as of 2025-08-01"
            page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
            page.locator('svg a:has([data-jurisdiction="US-FL"])').first.click()
            page.wait_for_url("**/j/US-FL.html")
            assert page.locator("h1").text_content() == "Florida (US-FL)"
            page.screenshot(path=str(tmp_path / "US-FL.png"), full_page=True)
            page.emulate_media(media="print")
            page.goto(index.as_uri(), wait_until="load")
            assert page.locator("nav").first.is_hidden()  # print CSS drops navigation
        finally:
            browser.close()
    assert (tmp_path / "index.png").stat().st_size > 10_000
    assert errors == []
    assert requests and all(url.startswith("file://") for url in requests), requests
