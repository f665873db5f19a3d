"""FDA warning letters that name kratom or 7-OH (US).

fda.gov's warning-letter listing is a DataTables table filled from a Drupal view's JSON endpoint,
`/datatables/views/ajax` with `view_name=warning_letter_solr_index`, searched here by full text (as public
clients of that endpoint call it; docs/sources.md). Each answer is `{draw, recordsTotal, recordsFiltered,
data}`, a row being HTML cells: posted date, letter issue date, company (linking the letter), issuing office,
subject, response letter, closeout letter, excerpt. A letter is kept only if its own text names kratom or 7-OH.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from scrapy import Request
from scrapy.http import Response
from scrapy.selector import Selector, SelectorList

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.html import kratom_text, page_date, paragraphs
from regwatch.scraping.shapes import JsonApiSpider
from regwatch.scraping.text import clean, excerpt, html_text

AJAX = "https://www.fda.gov/datatables/views/ajax"
SEARCHES = ("kratom", "7-hydroxymitragynine")
PAGE_SIZE = 100  # a search for kratom finds a few dozen letters: one page, rarely two
VIEW = {"view_name": "warning_letter_solr_index", "view_display_id": "warning_letter_solr_block"}
LETTER_TITLE = "h1.content-title"
LETTER_BODY = "div[role=main] p"
# The MARCS-CMS number FDA gives each letter: in its URL slug (company-722606-03042026) and its text.
MARCS = re.compile(r"-(\d{5,7})-\d{8}/?$")
MARCS_IN_TEXT = re.compile(r"MARCS-CMS\s*#?\s*(\d{5,7})")


def search_url(term: str, start: int = 0) -> str:
    query = {"search_api_fulltext": term, **VIEW, "draw": "1", "start": str(start), "length": str(PAGE_SIZE)}
    return f"{AJAX}?{urlencode(query)}"


class FdaWarningLettersSpider(JsonApiSpider):
    name = "fda_warning_letters"
    allowed_domains: ClassVar[list[str]] = ["fda.gov"]  # links and redirects elsewhere are refused
    start_urls: list[str] = [search_url(term) for term in SEARCHES]

    def recognised(self, data: Any, response: Response) -> bool:
        if isinstance(data, dict) and isinstance(data.get("data"), list) and "recordsFiltered" in data:
            return True
        self.layout_error(response, "expected DataTables JSON {'recordsFiltered', 'data': [[...], ...]}")
        return False

    def parse_page(self, data: dict[str, Any], response: Response) -> Iterator[Request]:
        for row in data["data"]:
            cells = [str(cell or "") for cell in row] if isinstance(row, list) else []
            href = Selector(text=f"<div>{cells[2]}</div>").css("a::attr(href)").get() if len(cells) > 4 else None
            if not href:
                self.layout_error(response, f"a row without a company link: {str(row)[:120]}")
                continue
            listed = {"company": html_text(cells[2]), "subject": html_text(cells[4]), "issued": cells[1]}
            yield self.request(self.join(response, href), callback=self.parse_letter, cb_kwargs={"listed": listed})

    def next_page(self, data: dict[str, Any], response: Response) -> str | None:
        query = dict(parse_qsl(urlsplit(self.live_url(response)).query))
        start = int(query.get("start", 0)) + len(data["data"])
        if not data["data"] or start >= int(data.get("recordsFiltered") or 0):
            return None
        return search_url(query.get("search_api_fulltext", SEARCHES[0]), start)

    def parse_letter(self, response: Response, listed: dict[str, str]) -> Iterator[dict[str, Any]]:
        """A warning letter: kept only if its text names kratom or 7-OH; dated by its issue date."""
        if not hasattr(response, "css") or not response.css(LETTER_TITLE):
            self.layout_error(response, f"no {LETTER_TITLE!r} on the letter page")
            return
        text = kratom_text(paragraphs(response.css(LETTER_BODY)))
        if not text:
            self.logger.debug("letter does not name kratom or 7-OH: %s", self.live_url(response))
            return
        cell = SelectorList(Selector(text=f"<p>{listed['issued']}</p>").css("p"))
        issued = page_date(cell) or page_date(response.css("time"))
        if issued is None:
            self.layout_error(response, "no letter issue date in the listing or on the page")
            return
        marcs = MARCS.search(self.live_url(response)) or MARCS_IN_TEXT.search(text)
        company = listed["company"] or clean(response.css(f"{LETTER_TITLE}::text").get())
        subject = f": {listed['subject']}" if listed["subject"] else ""
        yield self.notice(
            response,
            kind=NoticeKind.WARNING_LETTER,
            jurisdiction="US",
            title=excerpt(f"FDA warning letter to {company}{subject}", 300),
            text=text,
            published=issued.isoformat(),
            identifier=f"MARCS-CMS {marcs.group(1)}" if marcs else None,
        )
