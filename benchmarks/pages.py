"""Render a generated corpus as the pages the spiders fetch: Federal Register and Open States JSON pages,
and dea.gov / fda.gov list and detail pages (selectors as docs/sources.md gives them; no real HTML was available).

An Archive maps each page's live URL (path and query, canonicalised) to its body, so a loopback server
can answer the spiders' requests and a raw crawl can fetch the very same pages.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from w3lib.url import add_or_replace_parameter, canonicalize_url

from benchmarks.generate import Corpus, Release
from spiders.dea import DeaSpider
from spiders.fda import IMPORT_ALERT, KNOWN_RELEASES, PRESS_LIST, TOPIC_PAGE
from spiders.federal_register import FederalRegisterSpider
from spiders.openstates import OpenStatesSpider

PER_PAGE = 20  # Open States' maximum; the Federal Register pages use the same to keep pages alike
LIST_ITEMS = 10  # teasers per dea.gov / fda.gov list page
ROBOTS = b"User-agent: *\nAllow: /\n"


@dataclass
class Page:
    body: bytes
    content_type: str
    modified: date  # Last-Modified: the newest item the page shows


@dataclass
class Archive:
    """Pages by canonical path and query; `by_source` counts pages per spider (robots.txt aside)."""

    pages: dict[str, Page] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)

    def add(self, source: str, url: str, page: Page) -> None:
        self.pages[page_key(url)] = page
        self.by_source[source] = self.by_source.get(source, 0) + 1

    def urls(self, base_url: str) -> list[str]:
        """Every page's URL on the replay host (robots.txt excluded)."""
        return [f"{base_url}{key}" for key in self.pages if key != "/robots.txt"]


def page_key(url: str) -> str:
    """Path and query of a URL in canonical form (query arguments sorted, encoding normalised)."""
    parts = urlsplit(canonicalize_url(url))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def build_archive(pages: int, seed: int = 7) -> Archive:
    """An archive of about `pages` pages (give or take the detail pages of one list page per HTML site)."""
    corpus = Corpus(seed)
    archive = Archive()
    archive.pages["/robots.txt"] = Page(ROBOTS, "text/plain", date(2020, 1, 1))
    shares = {"federal_register": 0.35, "openstates": 0.35, "dea": 0.15, "fda": 0.15}
    budget = {name: max(1, round(pages * share)) for name, share in shares.items()}
    _federal_register(corpus, archive, budget["federal_register"])
    _openstates(corpus, archive, budget["openstates"])
    _html_site(corpus, archive, "dea", budget["dea"])
    _html_site(corpus, archive, "fda", max(1, budget["fda"] - 3))  # 3: the fixed pages below
    _fda_fixed_pages(corpus, archive)
    return archive


def _json(data: object) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def _federal_register(corpus: Corpus, archive: Archive, count: int) -> None:
    start = FederalRegisterSpider.start_urls[0]
    for index in range(count):
        docs = [corpus.fr_document(index * PER_PAGE + i) for i in range(PER_PAGE)]
        url = start if index == 0 else add_or_replace_parameter(start, "page", str(index + 1))
        following = add_or_replace_parameter(start, "page", str(index + 2)) if index + 1 < count else None
        body = {
            "count": count * PER_PAGE,
            "description": "Documents matching kratom | mitragynine | 7-hydroxymitragynine",
            "total_pages": count,
            "next_page_url": following,
            "results": docs,
        }
        newest = max(date.fromisoformat(d["publication_date"]) for d in docs)
        archive.add("federal_register", url, Page(_json(body), "application/json; charset=utf-8", newest))
    # The public inspection desk and its search, which the spider reads too: nothing on file here.
    for url in FederalRegisterSpider.start_urls[1:]:
        empty = {"count": 0, "results": []}
        archive.add("federal_register", url, Page(_json(empty), "application/json; charset=utf-8", date(2020, 1, 1)))


def _openstates(corpus: Corpus, archive: Archive, count: int) -> None:
    start = OpenStatesSpider.start_urls[0]
    for index in range(count):
        bills = [corpus.bill(index * PER_PAGE + i) for i in range(PER_PAGE)]
        url = add_or_replace_parameter(start, "page", str(index + 1))
        pagination = {"per_page": PER_PAGE, "page": index + 1, "max_page": count, "total_items": count * PER_PAGE}
        newest = max(date.fromisoformat(b["latest_action_date"]) for b in bills)
        page = Page(_json({"results": bills, "pagination": pagination}), "application/json", newest)
        archive.add("openstates", url, page)


def _html_site(corpus: Corpus, archive: Archive, site: str, count: int) -> None:
    """List pages of LIST_ITEMS releases each, plus the detail page of every kratom release."""
    list_url = DeaSpider.list_urls[0] if site == "dea" else PRESS_LIST
    made, index, number = 0, 0, 0
    while made < count:
        releases = []
        for _ in range(LIST_ITEMS):
            release = corpus.release(site, number)
            release.path = f"/press-releases/{release.published:%Y/%m/%d}/release-{number}"
            if site == "fda":
                release.path = f"/news-events/press-announcements/release-{number}"
            releases.append(release)
            number += 1
        details = [r for r in releases if r.about_kratom]  # every linked page is there, budget or not
        more = made + 1 + len(details) < count
        url = list_url if index == 0 else add_or_replace_parameter(list_url, "page", str(index))
        body = _dea_list(releases, index, more) if site == "dea" else _fda_list(releases, index, more)
        archive.add(site, url, Page(body, "text/html; charset=utf-8", max(r.published for r in releases)))
        host = "https://www.dea.gov" if site == "dea" else "https://www.fda.gov"
        for release in details:
            render = _dea_detail if site == "dea" else _fda_detail
            archive.add(site, host + release.path, Page(render(release), "text/html; charset=utf-8", release.published))
        made += 1 + len(details)
        index += 1


def _fda_fixed_pages(corpus: Corpus, archive: Archive) -> None:
    """The pages the fda spider fetches every run: the topic page, a known release, Import Alert 54-15."""
    topic = Release("fda", 0, "FDA and Kratom", date(2025, 8, 4),
                    ["FDA is concerned that kratom appears to have properties that expose users to addiction."],
                    True)  # fmt: skip
    archive.add("fda", TOPIC_PAGE, Page(_fda_detail(topic, current=True), "text/html", topic.published))
    known = Release("fda", 1, "FDA Takes Steps to Restrict 7-OH Opioid Products", date(2025, 7, 29),
                    ["FDA recommends scheduling of 7-OH, a concentrated kratom alkaloid product."], True)  # fmt: skip
    archive.add("fda", KNOWN_RELEASES[0], Page(_fda_detail(known), "text/html", known.published))
    alert = (
        "<html><head><title>Import Alert 54-15</title></head><body><h2>Import Alert # 54-15</h2>"
        "<p>Published Date: 04/08/2021</p><p>Import Alert Name: Detention Without Physical Examination of "
        "Dietary Supplements and Bulk Dietary Ingredients That Are or Contain Mitragyna speciosa or Kratom</p>"
        "<p>Reason for Alert: kratom is a new dietary ingredient without adequate safety information.</p></body></html>"
    )
    archive.add("fda", IMPORT_ALERT, Page(alert.encode(), "text/html", date(2021, 4, 8)))


def _pager(index: int, more: bool) -> str:
    if not more:
        return '<ul class="pager"></ul>'
    return f'<ul class="pager"><li class="pager__item pager__item--next"><a href="?page={index + 1}">Next</a></li></ul>'


def _dea_list(releases: list[Release], index: int, more: bool) -> bytes:
    items = "".join(
        f'<div class="teaser"><h3 class="teaser__heading"><a href="{r.path}">{html.escape(r.title)}</a></h3>'
        f'<div class="teaser__date">{r.published:%B %d, %Y}</div></div>'
        for r in releases
    )
    return _document("Press Releases | DEA", f"<main>{items}{_pager(index, more)}</main>")


def _dea_detail(release: Release) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in release.paragraphs)
    main = (
        f'<article><h2 class="press__title">{html.escape(release.title)}</h2>'
        f'<div class="press__date">{release.published:%B %d, %Y}</div><div class="wysiwyg">{body}</div></article>'
    )
    return _document(f"{release.title} | DEA", main)


def _fda_list(releases: list[Release], index: int, more: bool) -> bytes:
    rows = "".join(
        f'<div class="views-row"><span class="field-content"><a href="{r.path}">{html.escape(r.title)}</a></span>'
        f'<time datetime="{r.published.isoformat()}T14:00:00Z">{r.published:%m/%d/%Y}</time></div>'
        for r in releases
    )
    return _document("Press Announcements | FDA", f"<main>{rows}{_pager(index, more)}</main>")


def _fda_detail(release: Release, *, current: bool = False) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in release.paragraphs)
    stamp = f'<time datetime="{release.published.isoformat()}T14:00:00Z">{release.published:%m/%d/%Y}</time>'
    meta = (
        f'<div class="node-current-date">Content current as of: {stamp}</div>'
        if current
        else f'<dl class="lcds-description-list--grid"><dt>Date</dt><dd class="cell-2_2">{stamp}</dd></dl>'
    )
    main = (
        f'<h1 class="content-title text-center">{html.escape(release.title)}</h1>{meta}'
        f'<div class="col-md-8 col-md-push-2" role="main">{body}</div>'
    )
    return _document(f"{release.title} | FDA", main)


def _document(title: str, main: str) -> bytes:
    head = f'<head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
    return f"<!DOCTYPE html><html lang=en>{head}<body>{main}</body></html>".encode()
