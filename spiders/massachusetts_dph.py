"""Massachusetts Department of Public Health: news and orders on kratom or 7-OH (US-MA), such as an order
of the Commissioner placing a substance in Schedule I on a temporary basis (G.L. c. 94C s. 2A).

Selectors follow mass.gov's Mayflower design system (press teasers, page header, rich text); no saved copy
of a live page was available (docs/sources.md).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import ClassVar

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.shapes import AgencyReleaseSpider


class MassachusettsDphSpider(AgencyReleaseSpider):
    name = "massachusetts_dph"
    allowed_domains: ClassVar[list[str]] = ["mass.gov"]  # links and redirects elsewhere are refused
    list_urls: ClassVar[list[str]] = ["https://www.mass.gov/orgs/department-of-public-health/news"]
    jurisdiction = "US-MA"
    list_template = "section.ma__press-listing"
    item_links = "section.ma__press-listing .ma__press-teaser__title a"
    next_link = "a.ma__pagination__next"
    known_urls = ("https://www.mass.gov/news/dph-commissioner-orders-temporary-placement-of-kratom-in-schedule-i",)
    title_css = "h1.ma__page-header__title"
    date_css = "span.ma__press-status__date"
    body_css = "div.ma__rich-text p"
    # A temporary scheduling order is an emergency regulation (c. 94C s. 2A(c)); an advisory sets no law.
    kinds = (
        (re.compile(r"emergency (order|regulation)|temporar\w* (placement|scheduling|basis)", re.IGNORECASE),
         NoticeKind.EMERGENCY_RULE),
        (re.compile(r"advisory|alert|warn", re.IGNORECASE), NoticeKind.ADVISORY),
    )  # fmt: skip
    # c. 94C s. 2A(d): an order takes effect on the completion of a 14-day notice period that begins with its
    # publication on the department's website; the day of publication is not counted (G.L. c. 4 s. 9), so the
    # period ends 14 days after it and the order is in effect the day after (2026-08-13 -> 2026-08-28).
    notice_period = re.compile(r"14-day notice period", re.IGNORECASE)
    in_effect_after = timedelta(days=15)

    def effective_of(self, published: date, page_text: str) -> str | None:
        """An order that names the 14-day notice period is in effect once the period is complete."""
        if self.notice_period.search(page_text):
            return (published + self.in_effect_after).isoformat()
        return None
