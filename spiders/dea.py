"""DEA press releases on kratom or 7-OH: the press-release list, then each matching release.

Selectors as the public scraper Russell-Eng/Drug-Overdose-News-Web-Scraper uses them; no saved live HTML was
available (docs/sources.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from scrapy.http import Response

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.html import kratom_text, page_date, paragraphs
from regwatch.scraping.shapes import HtmlListDetailSpider
from regwatch.scraping.text import clean


class DeaSpider(HtmlListDetailSpider):
    name = "dea"
    allowed_domains: ClassVar[list[str]] = ["dea.gov"]  # links and redirects elsewhere are refused
    list_urls: ClassVar[list[str]] = ["https://www.dea.gov/what-we-do/news/press-releases"]
    list_template = "h3.teaser__heading"
    item_links = "h3.teaser__heading a"
    next_link = "li.pager__item--next a"
    detail_template = "h2.press__title"
    max_pages = 5  # DEA publishes several releases a day; five pages reach back about two weeks

    def parse_detail(self, response: Response) -> Iterator[dict[str, Any]]:
        """A press release: kept only if its text names kratom or 7-OH."""
        if not self.template_ok(response, self.detail_template):
            return
        text = kratom_text(paragraphs(response.css("div.wysiwyg p")))
        if not text:
            self.logger.debug("not about kratom: %s", self.live_url(response))
            return
        published = page_date(response.css("div.press__date"))
        if published is None:
            self.layout_error(response, "no date in div.press__date")
            return
        yield self.notice(
            response,
            kind=NoticeKind.PRESS_RELEASE,
            jurisdiction="US",
            title=clean(" ".join(response.css("h2.press__title ::text").getall())),
            text=text,
            published=published.isoformat(),
        )
