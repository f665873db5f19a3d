"""Ohio Board of Pharmacy: news and rule notices on kratom or 7-OH (US-OH), such as the emergency rule
OAC 4729:9-1-01.1 placing mitragynine-related compounds in Schedule I.

Selectors follow the Ohio state web template (ohio.gov sites); no saved copy of a live page was available
(docs/sources.md).
"""

from __future__ import annotations

import re
from typing import ClassVar

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.shapes import AgencyReleaseSpider


class OhioPharmacySpider(AgencyReleaseSpider):
    name = "ohio_pharmacy"
    allowed_domains: ClassVar[list[str]] = ["pharmacy.ohio.gov"]  # links and redirects elsewhere are refused
    list_urls: ClassVar[list[str]] = ["https://www.pharmacy.ohio.gov/news"]
    jurisdiction = "US-OH"
    list_template = "ul.news-list"
    item_links = "ul.news-list li.news-list__item a"
    next_link = "li.pager__item--next a"
    known_urls = (
        "https://www.pharmacy.ohio.gov/news/2025/12/board-adopts-emergency-rule-on-mitragynine-related-compounds",
    )
    title_css = "h1.page-title"
    date_css = "div.news-article__date time, div.news-article__date"
    body_css = "div.news-article__body p"
    kinds = (
        (re.compile(r"emergency rule", re.IGNORECASE), NoticeKind.EMERGENCY_RULE),
        (re.compile(r"proposed rule|rule hearing|public comment", re.IGNORECASE), NoticeKind.RULE),
    )
    # Rules of the Ohio Administrative Code as the Board cites them: 4729:9-1-01.1, 4729-9-01.2.
    identifier = re.compile(r"\b4729[:-]\d+(?:-\d+)?-\d+(?:\.\d+)?\b")
    identifier_prefix = "OAC "
