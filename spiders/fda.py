"""FDA: the "FDA and Kratom" page, press announcements on kratom or 7-OH, and Import Alert 54-15.

Selectors as public scrapers of fda.gov use them (docs/sources.md); no saved live HTML was available.
fda.gov can answer an "FDA Internet Site Error" or a bot refusal with status 200, so each page's template
is checked first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from scrapy import Request
from scrapy.http import Response

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.html import kratom_text, page_date, paragraphs
from regwatch.scraping.shapes import HtmlListDetailSpider
from regwatch.scraping.text import clean, excerpt, parse_date

TOPIC_PAGE = "https://www.fda.gov/news-events/public-health-focus/fda-and-kratom"
PRESS_LIST = "https://www.fda.gov/news-events/fda-newsroom/press-announcements"
# Fetched every run as well as through the list: the list's first pages hold only recent releases.
KNOWN_RELEASES = (
    "https://www.fda.gov/news-events/press-announcements/fda-takes-steps-restrict-7-oh-opioid-products-threatening-american-consumers",
)
# Import Alert 54-15 (kratom). The URL several secondary sources cite, never fetched from here (docs/sources.md).
IMPORT_ALERT = "https://www.accessdata.fda.gov/cms_ia/importalert_1137.html"

ARTICLE_TITLE = "h1.content-title"
ARTICLE_BODY = "div[role=main] p"
ARTICLE_DATE = "dl.lcds-description-list--grid dd time, .node-current-date time, time"
SITE_ERROR = re.compile(r"FDA Internet Site Error|Access Denied|Request Rejected", re.IGNORECASE)
ALERT_NUMBER = re.compile(r"Import\s+Alert\s*#?\s*54-15", re.IGNORECASE)
ALERT_PUBLISHED = re.compile(r"Published\s+Date:?\s*(\d{1,2}/\d{1,2}/\d{4})", re.IGNORECASE)
ALERT_NAME = re.compile(r"Import\s+Alert\s+Name:?\s*(.+?)(?:\s+Reason for Alert|\s+Guidance:|$)", re.IGNORECASE)


class FdaSpider(HtmlListDetailSpider):
    name = "fda"
    allowed_domains: ClassVar[list[str]] = ["fda.gov"]  # links and redirects elsewhere are refused
    list_urls: ClassVar[list[str]] = [PRESS_LIST]
    list_template = "span.field-content a"
    item_links = "span.field-content a"
    next_link = "li.pager__item--next a"
    detail_template = ARTICLE_TITLE

    def first_requests(self) -> Iterable[Request]:
        yield self.request(TOPIC_PAGE, callback=self.parse_topic)
        yield self.request(IMPORT_ALERT, callback=self.parse_import_alert)
        yield from super().first_requests()
        for url in KNOWN_RELEASES:  # a release already read: from the cache between full sweeps
            yield self.held(self.request(url, callback=self.parse_detail))

    def site_page_ok(self, response: Response, template: str) -> bool:
        """A normal fda.gov page: not the site's error page, and with the element its template has."""
        title = clean(response.css("title::text").get()) if hasattr(response, "css") else ""
        if SITE_ERROR.search(title):
            self.layout_error(response, f"fda.gov served an error page with status {response.status}: {title!r}")
            return False
        return self.template_ok(response, template)

    def parse(self, response: Response, page: int = 1, **kwargs: Any) -> Iterator[Request]:
        if self.site_page_ok(response, ""):
            yield from super().parse(response, page=page)

    def parse_topic(self, response: Response) -> Iterator[dict[str, Any]]:
        """The "FDA and Kratom" page: FDA's standing position, revised in place ("Content current as of")."""
        if not self.site_page_ok(response, ARTICLE_TITLE):
            return
        published = page_date(response.css(".node-current-date time")) or page_date(response.css("time"))
        if published is None:
            self.layout_error(response, "no 'Content current as of' date")
            return
        body = paragraphs(response.css(ARTICLE_BODY))
        yield self.notice(
            response,
            kind=NoticeKind.ADVISORY,
            jurisdiction="US",
            title=clean(response.css(f"{ARTICLE_TITLE}::text").get()),
            text=excerpt(" ".join(body)),
            published=published.isoformat(),
            actions=[{"date": published.isoformat(), "description": "Content current as of"}],
        )

    def parse_detail(self, response: Response) -> Iterator[dict[str, Any]]:
        """A press announcement: kept only if its text names kratom or 7-OH."""
        if not self.site_page_ok(response, ARTICLE_TITLE):
            return
        text = kratom_text(paragraphs(response.css(ARTICLE_BODY)))
        if not text:
            self.logger.debug("not about kratom: %s", self.live_url(response))
            return
        published = page_date(response.css(ARTICLE_DATE))
        if published is None:
            self.layout_error(response, "no date on the press announcement")
            return
        yield self.notice(
            response,
            kind=NoticeKind.PRESS_RELEASE,
            jurisdiction="US",
            title=clean(response.css(f"{ARTICLE_TITLE}::text").get()),
            text=text,
            published=published.isoformat(),
        )

    def parse_import_alert(self, response: Response) -> Iterator[dict[str, Any]]:
        """Import Alert 54-15; its published date moves whenever the Red List of firms is updated."""
        if not self.site_page_ok(response, ""):
            return
        text = clean(" ".join(response.css("body ::text").getall()))
        published_match = ALERT_PUBLISHED.search(text)
        if not ALERT_NUMBER.search(text) or not published_match:
            self.layout_error(response, "expected 'Import Alert # 54-15' and 'Published Date: MM/DD/YYYY'")
            return
        published = parse_date(published_match.group(1))
        name_match = ALERT_NAME.search(text)
        name = clean(name_match.group(1)) if name_match else ""
        title = f"Import Alert 54-15: {name}" if name else "Import Alert 54-15"
        yield self.notice(
            response,
            kind=NoticeKind.IMPORT_ALERT,
            jurisdiction="US",
            title=excerpt(title, 300),
            text=excerpt(text),
            published=published.isoformat() if published else None,
            identifier="Import Alert 54-15",
            actions=[{"date": published.isoformat(), "description": "Import alert published (Red List updated)"}]
            if published
            else [],
        )
