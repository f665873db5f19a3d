"""California Department of Public Health: news releases on kratom or 7-OH (US-CA).

CDPH publishes its releases on SharePoint pages, one list page a year (Programs/OPA/Pages/New-Release-YYYY.aspx,
the address a public scraper of CDPH releases uses) linking release pages (NRyy-nnn.aspx). The selectors are
SharePoint's rich-text field markup; no saved copy of a live page was available (docs/sources.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from scrapy import Request

from regwatch.scraping.shapes import AgencyReleaseSpider

LIST = "https://www.cdph.ca.gov/Programs/OPA/Pages/New-Release-{year}.aspx"


class CdphSpider(AgencyReleaseSpider):
    name = "cdph"
    allowed_domains: ClassVar[list[str]] = ["cdph.ca.gov"]  # links and redirects elsewhere are refused
    jurisdiction = "US-CA"
    list_template = "div.ms-rtestate-field"
    item_links = "div.ms-rtestate-field a"
    known_urls = ("https://www.cdph.ca.gov/Programs/OPA/Pages/NR25-024.aspx",)
    title_css = "div.ms-rtestate-field h1"
    date_css = "div.ms-rtestate-field p.news-date"
    body_css = "div.ms-rtestate-field p:not(.news-date)"

    def first_requests(self) -> Iterable[Request]:
        """This year's list and last year's: a release of late December is still news in January."""
        year = self.clock().year
        for list_year in (year, year - 1):
            yield self.first_page(LIST.format(year=list_year), callback=self.parse, cb_kwargs={"page": 1})
        for url in self.known_urls:
            yield self.request(url, callback=self.parse_detail)
