"""Base spiders per source shape, so each source is a few declarative lines plus its field mapping:
a paginated JSON API, an HTML list of links to detail pages (and, on it, an agency's list of releases or
rule notices read by selectors alone), and a MediaWiki parse-API section."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.html import kratom_text, page_date, paragraphs
from regwatch.scraping.spider import RegwatchSpider
from regwatch.scraping.text import clean, excerpt, mentions_kratom


def unchanged(response: Response) -> bool:
    """Whether a page is the copy the HTTP cache held (revalidated by a 304, or held): on a newest-first
    list, nothing new reached this page since the last crawl, so the pages after it are unchanged too."""
    return "cached" in response.flags


class JsonApiSpider(RegwatchSpider):
    """A JSON API: `start_urls` (first pages); `parse_page` turns one page into notices (and requests);
    `next_page` gives the next page's URL (a next-page link, or page/offset/token arithmetic)."""

    start_urls: list[str] = []
    default_headers: ClassVar[dict[str, str]] = {"Accept": "application/json"}

    def first_requests(self) -> Iterable[Request]:
        for url in self.start_urls:
            yield self.first_page(url, callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        data = self.load_json(response)
        if data is None:
            return
        if not self.recognised(data, response):
            return
        # The next page first: a list's pages are fetched one after another, the crawl's longest path, and
        # asked for now the next one is downloaded while this one's notices are made. A page whose pager
        # cannot be read still gives its notices before the error goes on (ParserErrorMiddleware).
        try:
            follow = self.follow(data, response)
        except Exception:
            yield from self.parse_page(data, response)
            raise
        if follow is not None:
            yield follow
        yield from self.parse_page(data, response)

    def follow(self, data: Any, response: Response) -> Request | None:
        """The request for the page after this one, or None (the last page, or a loop or limit recorded)."""
        url = self.next_page(data, response)
        if not url:
            return None
        request = self.next_page_request(response, url, callback=self.parse)
        if request is None:
            return None
        return self.held(request) if unchanged(response) else request

    def recognised(self, data: Any, response: Response) -> bool:
        """Whether the page has the envelope this API promises; records a layout error if not."""
        return True

    def parse_page(self, data: Any, response: Response) -> Iterable[Any]:
        raise NotImplementedError

    def next_page(self, data: Any, response: Response) -> str | None:
        return None


class HtmlListDetailSpider(RegwatchSpider):
    """An HTML list of links to detail pages: links whose text names kratom or 7-OH are followed.

    `list_template` / `detail_template` are CSS selectors a real page of that kind always has; a page
    without it (an error page served with status 200, a bot wall, a redesign) is a layout error.
    """

    list_urls: ClassVar[list[str]] = []
    list_template: ClassVar[str] = ""
    item_links: ClassVar[str] = ""  # CSS selecting the <a> of each list item
    next_link: ClassVar[str] = ""  # CSS selecting the pager's "next" <a>
    detail_template: ClassVar[str] = ""
    max_pages: ClassVar[int] = 3  # newest first: a daily run needs the first pages only

    def first_requests(self) -> Iterable[Request]:
        for url in self.list_urls:
            yield self.first_page(url, callback=self.parse, cb_kwargs={"page": 1})

    def parse(self, response: Response, page: int = 1, **kwargs: Any) -> Iterator[Request]:
        if not self.template_ok(response, self.list_template):
            return
        for link in response.css(self.item_links):
            text = clean(" ".join(link.css("::text").getall()))
            href = link.attrib.get("href")
            if href and self.wanted(text, link):
                # A detail page read before is taken from the cache between full sweeps.
                yield self.held(self.request(self.join(response, href), callback=self.parse_detail))
        next_href = response.css(self.next_link).attrib.get("href") if self.next_link else None
        if next_href and page < self.max_pages:  # newest first: stopping at max_pages is by design, not a fault
            url = self.join(response, next_href)
            request = self.next_page_request(response, url, callback=self.parse, cb_kwargs={"page": page + 1})
            if request is not None:
                yield self.held(request) if unchanged(response) else request

    def wanted(self, text: str, link: Any) -> bool:
        """Follow only items that name kratom, its alkaloids or 7-OH."""
        return mentions_kratom(text)

    def template_ok(self, response: Response, template: str) -> bool:
        """Whether the page is one of the site's normal pages; records a layout error if not."""
        if not hasattr(response, "css"):
            self.layout_error(response, "expected an HTML page")
            return False
        if template and not response.css(template):
            title = clean(response.css("title::text").get())
            self.layout_error(response, f"no {template!r} on the page (title {title!r})")
            return False
        return True

    def parse_detail(self, response: Response) -> Iterator[dict[str, Any]]:
        raise NotImplementedError


class AgencyReleaseSpider(HtmlListDetailSpider):
    """An agency's list of news releases or rule notices whose pages are read by selectors alone: a source
    is its URLs, its selectors, its jurisdiction and how a page's words decide its kind.

    `kinds` is read top to bottom against the page title, then its kratom text: the first pattern found
    gives the kind, else `default_kind`. `identifier` finds the citation of the act a page makes or
    announces (a rule number); a release gets none, since a release number names no legal act.
    """

    jurisdiction: ClassVar[str] = ""
    title_css: ClassVar[str] = ""  # the release's title; the detail template too unless one is set
    date_css: ClassVar[str] = ""  # elements whose text (or `datetime` attribute) is the published date
    body_css: ClassVar[str] = ""  # the paragraphs of the release
    default_kind: ClassVar[NoticeKind] = NoticeKind.PRESS_RELEASE
    kinds: ClassVar[tuple[tuple[re.Pattern[str], NoticeKind], ...]] = ()
    identifier: ClassVar[re.Pattern[str] | None] = None
    identifier_prefix: ClassVar[str] = ""  # how the act is cited ("OAC "), so notices of one act share a key
    # Pages fetched every run as well as through the list: the list's first pages hold only recent news, and
    # an agency may publish nothing on kratom for months (a run that finds nothing is a broken source).
    known_urls: ClassVar[tuple[str, ...]] = ()

    def first_requests(self) -> Iterable[Request]:
        yield from super().first_requests()
        for url in self.known_urls:
            yield self.held(self.request(url, callback=self.parse_detail))

    def parse_detail(self, response: Response) -> Iterator[dict[str, Any]]:
        """A release or notice: kept only if its paragraphs name kratom or 7-OH."""
        if not self.template_ok(response, self.detail_template or self.title_css):
            return
        body = paragraphs(response.css(self.body_css))
        text = kratom_text(body)
        if not text:
            self.logger.debug("not about kratom: %s", self.live_url(response))
            return
        published = page_date(response.css(self.date_css))
        if published is None:
            self.layout_error(response, f"no date in {self.date_css!r}")
            return
        title = clean(" ".join(response.css(f"{self.title_css} ::text").getall()))
        yield self.notice(
            response,
            kind=self.kind_of(title, text),
            jurisdiction=self.jurisdiction,
            title=excerpt(title, 300),
            text=text,
            published=published.isoformat(),
            identifier=self.identifier_of(f"{title} {text}"),
            effective=self.effective_of(published, " ".join(body)),
        )

    def kind_of(self, title: str, text: str) -> NoticeKind:
        """The kind the page's own words give it: the title decides before the text."""
        for words in (title, text):
            for pattern, kind in self.kinds:
                if pattern.search(words):
                    return kind
        return self.default_kind

    def effective_of(self, published: date, page_text: str) -> str | None:
        """The day the act takes effect when the source's own law fixes it from publication (`page_text`
        is every paragraph, not only the kratom ones); None leaves it to the normaliser, which reads
        effective dates written in the text."""
        return None

    def identifier_of(self, text: str) -> str | None:
        """The citation of the act, as `identifier_prefix` + the first match of `identifier`."""
        match = self.identifier.search(text) if self.identifier else None
        return f"{self.identifier_prefix}{match.group(0)}" if match else None


class MediaWikiSpider(RegwatchSpider):
    """One section of one article through the MediaWiki parse API: find the section by its heading,
    then fetch that section's HTML at the same revision (`oldid`), so both come from one revid."""

    api_url: ClassVar[str] = ""
    page: ClassVar[str] = ""
    section_heading: ClassVar[re.Pattern[str]] = re.compile(r"legal", re.IGNORECASE)

    def api(self, **params: str) -> str:
        query = {"action": "parse", "format": "json", "formatversion": "2", **params}
        return f"{self.api_url}?{urlencode(query)}"

    def first_requests(self) -> Iterable[Request]:
        yield self.request(self.api(page=self.page, prop="sections|revid"), callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Request]:
        data = self.load_json(response)
        parsed = data.get("parse") if isinstance(data, dict) else None
        if not isinstance(parsed, dict) or "revid" not in parsed or "sections" not in parsed:
            if data is not None:
                error = data.get("error", {}).get("info") if isinstance(data, dict) else None
                self.layout_error(response, error or "expected {'parse': {'revid', 'sections'}}")
            return
        section = next((s for s in parsed["sections"] if self.section_heading.search(s.get("line", ""))), None)
        if section is None:
            headings = [s.get("line") for s in parsed["sections"]]
            self.layout_error(response, f"no section heading matches {self.section_heading.pattern!r}: {headings}")
            return
        revid = str(parsed["revid"])
        url = self.api(oldid=revid, section=str(section["index"]), prop="text|revid")
        yield self.request(url, callback=self.parse_section_page, cb_kwargs={"section": section})

    def parse_section_page(self, response: Response, section: dict[str, Any]) -> Iterator[Any]:
        data = self.load_json(response)
        parsed = data.get("parse") if isinstance(data, dict) else None
        if not isinstance(parsed, dict) or not isinstance(parsed.get("text"), str):
            if data is not None:
                self.layout_error(response, "expected {'parse': {'text': '<html>', 'revid'}}")
            return
        yield from self.parse_section(parsed["text"], str(parsed.get("revid", "")), section, response)

    def parse_section(self, html: str, revid: str, section: dict[str, Any], response: Response) -> Iterable[Any]:
        raise NotImplementedError
