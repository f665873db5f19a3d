"""Fuzzing every spider callback on mutated recorded responses: truncated bodies, missing keys, wrong
types, random HTML. A callback may find nothing, but a page it cannot read always ends as a layout
error naming the page (recorded in the spider's problems and stats, so health reports the source
broken): either the callback records it, or it raises a data-shape error that ParserErrorMiddleware
(in every crawl) turns into one. What it yields is a dict the validation pipeline can judge, or a Request.

tests/inputs/test_fuzz_input.py fuzzes Notice JSON Lines and the rules; this fuzzes what comes before them.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from scrapy import Request

from regwatch.scraping.middlewares import ParserErrorMiddleware
from regwatch.scraping.spider import RegwatchSpider
from spiders.clinicaltrials import ClinicalTrialsSpider
from spiders.congress import CongressSpider
from spiders.dea import DeaSpider
from spiders.fda import FdaSpider
from spiders.federal_register import FederalRegisterSpider
from spiders.legiscan import LegiscanSpider
from spiders.openstates import OpenStatesSpider
from spiders.wikipedia import WikipediaSpider
from tests.helpers.spider_helpers import make_spider
from tests.reliability.reliability_helpers import fixture, response


@dataclass(frozen=True)
class Target:
    """One callback and a recorded body it normally reads."""

    spider: type[RegwatchSpider]
    callback: str
    body: Path
    url: str
    kwargs: Callable[[], dict[str, Any]] = dict

    @property
    def html(self) -> bool:
        return self.body.suffix == ".html"

    def __str__(self) -> str:
        return f"{self.spider.name}.{self.callback}({self.body.name})"


def _congress_state() -> dict[str, Any]:
    bill = json.loads(fixture("congress", "bill_118_s_3039.json").read_text())["bill"]
    url = "https://api.congress.gov/v3/bill/118/s/3039?format=json"
    return {"state": {"bill": bill, "response": response(b"{}", url, html=False), "actions": [], "summaries": []},
            "key": "actions", "queue": []}  # fmt: skip


def _wiki_revision() -> dict[str, Any]:
    url = "https://en.wikipedia.org/w/api.php?action=parse"
    section = response(b"{}", url, html=False)
    return {
        "blocks": [("TH", "Thailand legalised kratom in 2021.")],
        "revid": "1",
        "anchor": "Legal",
        "section": section,
    }


FR = "https://www.federalregister.gov/api/v1/documents.json?per_page=100"
OS = "https://v3.openstates.org/bills?q=kratom"
LS = "https://api.legiscan.com/?op=getSearch"
WIKI = "https://en.wikipedia.org/w/api.php?action=parse"
FDA = "https://www.fda.gov/news-events/press-announcements/x"
DEA = "https://www.dea.gov/press-releases/2025/01/01/x"
TARGETS = [
    Target(FederalRegisterSpider, "parse", fixture("federal_register", "documents_kratom.json"), FR),
    Target(OpenStatesSpider, "parse", fixture("openstates", "bills_kratom.json"), OS),
    Target(
        ClinicalTrialsSpider,
        "parse",
        fixture("clinicaltrials", "studies_kratom.json"),
        "https://clinicaltrials.gov/api/v2/studies",
    ),
    Target(
        CongressSpider,
        "parse_list",
        fixture("congress", "bill_list_recent.json"),
        "https://api.congress.gov/v3/bill",
        lambda: {"page": 1},
    ),
    Target(
        CongressSpider,
        "parse_bill",
        fixture("congress", "bill_118_s_3039.json"),
        "https://api.congress.gov/v3/bill/118/s/3039",
    ),
    Target(
        CongressSpider,
        "parse_collection",
        fixture("congress", "bill_118_s_3039_actions.json"),
        "https://api.congress.gov/v3/bill/118/s/3039/actions",
        _congress_state,
    ),
    Target(LegiscanSpider, "parse_search", fixture("legiscan", "getSearch_kratom.json"), LS),
    Target(
        LegiscanSpider,
        "parse_bill",
        fixture("legiscan", "getBill_LA_SB154.json"),
        "https://api.legiscan.com/?op=getBill&id=1",
    ),
    Target(WikipediaSpider, "parse", fixture("wikipedia", "sections.json"), WIKI),
    Target(
        WikipediaSpider,
        "parse_section_page",
        fixture("wikipedia", "section_legal_status.json"),
        WIKI,
        lambda: {"section": {"index": "7", "line": "Legal status", "anchor": "Legal_status"}},
    ),
    Target(WikipediaSpider, "parse_revision", fixture("wikipedia", "revision.json"), WIKI, _wiki_revision),
    Target(
        FdaSpider,
        "parse",
        fixture("fda", "press_list.html"),
        "https://www.fda.gov/news-events/fda-newsroom/press-announcements",
    ),
    Target(FdaSpider, "parse_topic", fixture("fda", "fda_and_kratom.html"), FDA),
    Target(FdaSpider, "parse_detail", fixture("fda", "press_7oh.html"), FDA),
    Target(
        FdaSpider,
        "parse_import_alert",
        fixture("fda", "import_alert_54_15.html"),
        "https://www.accessdata.fda.gov/cms_ia/importalert_1137.html",
    ),
    Target(DeaSpider, "parse", fixture("dea", "press_list.html"), "https://www.dea.gov/what-we-do/news/press-releases"),
    Target(DeaSpider, "parse_detail", fixture("dea", "press_kratom.html"), DEA),
]
JSON_TARGETS = [x for x in TARGETS if not x.html]


def run_callback(target: Target, body: bytes) -> tuple[list[Any], RegwatchSpider]:
    """Everything the callback yields for `body`; any exception fails the test with the target named."""
    spider = make_spider(target.spider)
    spider.api_key = "fuzz-key"
    request = Request(target.url)
    answer = response(body, target.url, html=target.html, request=request)
    callback = getattr(spider, target.callback)
    out: list[Any] = []
    try:
        out.extend(callback(answer, **target.kwargs()))
    except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
        # What the crawl does with it: the middleware swallows it and records a layout error.
        assert ParserErrorMiddleware(spider.crawler).process_spider_exception(answer, exc) == []
        assert spider.problems[-1].startswith(f"layout not recognised at {target.url}: the parser failed: ")
        assert type(exc).__name__ in spider.problems[-1]
    for result in out:
        assert isinstance(result, (dict, Request)), f"{target} yielded {type(result).__name__}"
    return out, spider


def found_nothing_said_why(out: list[Any], spider: RegwatchSpider, target: Target) -> None:
    """A page that gave nothing and asked for nothing is fine only as a layout error or an empty result."""
    if not out and spider.problems:
        assert all(("layout" in p or "source error" in p) for p in spider.problems), spider.problems


# Values of the wrong type, put where the API promises something else.
WRONG = st.sampled_from([None, 0, -1, 1.5, True, "", "x", "0000-00-00", [], {}, [None], {"": None}, "<b>"])


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into a JSON value."""
    found: list[tuple[Any, ...]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        found.append((*prefix, key))
        found.extend(paths(value, (*prefix, key)))
    return found


def mutate(data: Any, path: tuple[Any, ...], op: str, value: Any) -> Any:
    """`data` with the element at `path` deleted or replaced by `value`."""
    data = copy.deepcopy(data)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if op == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    """Thousands of layout errors are logged on purpose; capturing them would dominate the run time."""
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


# Phase.explain is left out: its patch writer crashes pytest (libcst) instead of showing the failing example.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    # shared_data is a read-only path: the same for every example.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)


@pytest.mark.parametrize("target", JSON_TARGETS, ids=str)
@FUZZ
@given(data=st.data())
def test_json_with_keys_missing_or_of_the_wrong_type(target: Target, data: st.DataObject) -> None:
    doc = json.loads(target.body.read_text(encoding="utf-8"))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        where = paths(doc)
        if not where:
            break
        path = data.draw(st.sampled_from(where), label="path")
        op = data.draw(st.sampled_from(["delete", "replace"]), label="op")
        doc = mutate(doc, path, op, data.draw(WRONG, label="value"))
    out, spider = run_callback(target, json.dumps(doc).encode())
    found_nothing_said_why(out, spider, target)


@pytest.mark.parametrize("target", TARGETS, ids=str)
@FUZZ
@given(cut=st.integers(min_value=0, max_value=10**6))
def test_truncated_bodies(target: Target, cut: int) -> None:
    body = target.body.read_bytes()
    out, spider = run_callback(target, body[: cut % len(body)])
    if not target.html:
        # Half a JSON document is never read as data: the source is reported, not silently empty.
        assert not [x for x in out if isinstance(x, dict)] and spider.problems


HTML_BITS = st.sampled_from(
    ["<html>", "</html>", "<body>", "<h1 class='content-title'>", "</h1>", "<time datetime='2025-13-45'>", "</time>",
     "<div role=main><p>", "kratom", "7-OH", "July 1, 2025", "<a href='javascript:alert(1)'>kratom</a>", "<table>",
     "<span class='field-content'><a href=''>", "<h3 class='teaser__heading'><a>", "<h2 class='press__title'>",
     "<div class='press__date'>", "Import Alert # 54-15", "Published Date: 02/30/2025", "&amp;", "&#0;", "\x00",
     "<![CDATA[", "<!--", "<script>", "{", "\"parse\":", "]"]
)  # fmt: skip


@pytest.mark.parametrize("target", TARGETS, ids=str)
@FUZZ
@given(bits=st.lists(HTML_BITS | st.text(max_size=20), max_size=30))
def test_random_html_and_text(target: Target, bits: list[str]) -> None:
    out, spider = run_callback(target, "".join(bits).encode("utf-8", "surrogatepass"))
    found_nothing_said_why(out, spider, target)


@pytest.mark.parametrize(
    ("target", "recording"),
    [
        (TARGETS[0], "federal_register/federal_register_documents_dea_fda_subset.json"),
        (TARGETS[0], "federal_register/federal_register_documents_search_sample.json"),
        (TARGETS[7], "legiscan/legiscan_bill_HB3.json"),
        (TARGETS[7], "legiscan/legiscan_bill_AK_HB1_2011.json"),
        (TARGETS[6], "legiscan/legiscan_getSearch_manual_example.json"),
        (TARGETS[4], "congress_gov/bill_117_hr_21.json"),
        (TARGETS[5], "congress_gov/bill_117_hr_21_actions.json"),
    ],
    ids=lambda v: v if isinstance(v, str) else str(v),
)
@FUZZ
@given(data=st.data())
def test_real_recordings_mutated(shared_data: Path, target: Target, recording: str, data: st.DataObject) -> None:
    raw = (shared_data / recording).read_bytes()
    doc = json.loads(raw)
    where = paths(doc)
    for path in data.draw(st.lists(st.sampled_from(where), max_size=3), label="paths") if where else []:
        try:
            doc = mutate(doc, path, "replace", data.draw(WRONG, label="value"))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path's parent
    cut = data.draw(st.sampled_from([None, 0.5, 0.99]), label="cut")
    body = json.dumps(doc).encode()
    out, spider = run_callback(target, body[: int(len(body) * cut)] if cut else body)
    found_nothing_said_why(out, spider, target)
