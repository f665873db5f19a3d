"""One contract every spider keeps: fixed name, async start(), base_url on every request, valid kratom
notices from its fixture, and a clean skip without an API key where one is needed."""

from __future__ import annotations

import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request

import spiders
from regwatch import settings
from regwatch.scraping.middlewares import ORIGINAL_URL, BaseUrlMiddleware
from regwatch.scraping.registry import keyed_sources, spider_classes
from regwatch.scraping.text import mentions_kratom
from tests.helpers.spider_helpers import crawl_offline, first_requests, fixture, make_spider, notices

SPIDER_CLASSES = spider_classes()
KEYS = {name: settings.api_key_variable(name) for name in keyed_sources()}


def routes(name: str) -> list[tuple[str, Path]]:
    """URL pattern -> fixture file, per spider (first match wins; other URLs get no answer)."""
    table = {
        "federal_register": [
            ("public-inspection-documents/current.json", "public_inspection_current.json"),
            (r"public-inspection-documents\.json\?", "public_inspection_search.json"),
            ("page=2", "documents_kratom_page2.json"),
            ("/documents.json", "documents_kratom.json"),
        ],
        "fda": [
            ("fda-and-kratom$", "fda_and_kratom.html"),
            ("importalert_1137", "import_alert_54_15.html"),
            ("fda-takes-steps-restrict-7-oh", "press_7oh.html"),
            ("fda-roundup-example", "press_unrelated.html"),
            ("press-announcements$", "press_list.html"),
        ],
        "dea": [("dea-announces-intent", "press_kratom.html"), ("press-releases$", "press_list.html")],
        "congress": [
            ("/bill/118/s/3039/actions", "bill_118_s_3039_actions.json"),
            ("/bill/118/s/3039/summaries", "bill_118_s_3039_summaries.json"),
            (r"/bill/118/s/3039\?", "bill_118_s_3039.json"),
            (r"/v3/bill\?", "bill_list_recent.json"),
        ],
        "openstates": [(r"/bills\?", "bills_kratom.json")],
        "legiscan": [
            ("op=getSearch", "getSearch_kratom.json"),
            ("id=1900154", "getBill_LA_SB154.json"),
            ("id=1702188", "getBill_KS_HB2188.json"),
        ],
        "wikipedia": [
            ("prop=sections", "sections.json"),
            ("section=3", "section_legal_status.json"),
            ("prop=revisions", "revision.json"),
        ],
        "fda_warning_letters": [
            ("search_api_fulltext=kratom", "listing_kratom.json"),
            ("search_api_fulltext=7-hydroxymitragynine", "listing_7oh.json"),
            ("shaman-botanicals-llc", "letter_7oh.html"),
            ("example-botanicals-inc", "letter_unrelated.html"),
        ],
        "cdph": [
            ("New-Release-2025", "news_list_2025.html"),
            ("New-Release-2026", "news_list_2026.html"),
            ("NR25-024", "release_kratom.html"),
        ],
        "ohio_pharmacy": [("emergency-rule-on-mitragynine", "emergency_rule.html"), ("/news$", "news_list.html")],
        "florida_ag": [
            ("emergency-rule-schedule-7-oh", "emergency_rule_7oh.html"),
            ("/newsrelease$", "news_list.html"),
        ],
        "massachusetts_dph": [("temporary-placement-of-kratom", "order_kratom.html"), ("/news$", "news_list.html")],
        "clinicaltrials": [("pageToken=", "studies_kratom_page2.json"), (r"/studies\?", "studies_kratom.json")],
    }
    return [(pattern, fixture(name, file)) for pattern, file in table[name]]


def test_every_module_in_spiders_defines_one_spider_found_by_the_loader() -> None:
    modules = sorted(f"spiders.{m.name}" for m in pkgutil.iter_modules(spiders.__path__))
    assert modules, "no source modules found"
    assert sorted(cls.__module__ for cls in SPIDER_CLASSES.values()) == modules


def test_scrapy_list_names_every_spider() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.split() == sorted(SPIDER_CLASSES)


@pytest.fixture(params=sorted(SPIDER_CLASSES))
def name(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    for variable in KEYS.values():
        monkeypatch.setenv(variable, "test-key-123456")
    return str(request.param)


def test_name_is_fixed_and_start_is_async(name: str) -> None:
    cls = SPIDER_CLASSES[name]
    assert cls.name == name
    assert inspect.isasyncgenfunction(cls.start)
    assert "start_requests" not in vars(cls), "Scrapy 2.19 no longer calls start_requests()"


def test_fixture_gives_valid_kratom_notices(name: str) -> None:
    spider = make_spider(SPIDER_CLASSES[name])
    items, _ = crawl_offline(spider, routes(name))
    found = notices(items)
    assert found, f"{name} yielded no notice from its fixtures"
    assert {n.source for n in found} == {name}
    assert all(mentions_kratom(n.title, n.text) for n in found)
    assert all(n.retrieved is not None and n.archive for n in found)
    assert spider.problems == []


def test_base_url_rewrites_every_request(name: str) -> None:
    spider = make_spider(SPIDER_CLASSES[name], base_url="http://127.0.0.1:8765")
    middleware = BaseUrlMiddleware(spider.crawler)
    starts = first_requests(spider)
    _, asked = crawl_offline(make_spider(SPIDER_CLASSES[name]), routes(name))
    assert starts and asked
    for url in [r.url for r in starts] + asked:
        rebased = middleware.process_request(Request(url))
        assert isinstance(rebased, Request)
        assert rebased.url.startswith("http://127.0.0.1:8765/")
        assert rebased.url.split("/", 3)[3] == url.split("/", 3)[3]  # path and query kept
        assert rebased.meta[ORIGINAL_URL] == url


@pytest.mark.parametrize("name", sorted(KEYS))
def test_skips_cleanly_without_a_key(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEYS[name], raising=False)
    spider = make_spider(SPIDER_CLASSES[name])
    assert first_requests(spider) == []
    assert spider.skipped
    assert spider.skip_reason == f"{name}: not configured: no API key (set {KEYS[name]} or connection regwatch_{name})"
