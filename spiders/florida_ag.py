"""Florida Attorney General: news releases and emergency rules on kratom or 7-OH (US-FL), such as the
2025 emergency rules placing concentrated 7-OH in Schedule I.

Selectors follow the Drupal markup of myfloridalegal.com's newsroom; no saved copy of a live page was
available (docs/sources.md).
"""

from __future__ import annotations

import re
from typing import ClassVar

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.shapes import AgencyReleaseSpider


class FloridaAgSpider(AgencyReleaseSpider):
    name = "florida_ag"
    allowed_domains: ClassVar[list[str]] = ["myfloridalegal.com"]  # links and redirects elsewhere are refused
    list_urls: ClassVar[list[str]] = ["https://www.myfloridalegal.com/newsrelease"]
    jurisdiction = "US-FL"
    list_template = "div.view-news-releases"
    item_links = "div.view-news-releases div.views-row h3 a"
    next_link = "li.pager__item--next a"
    known_urls = (
        "https://www.myfloridalegal.com/newsrelease/attorney-general-james-uthmeier-issues-emergency-rule-schedule-7-oh",
    )
    title_css = "h1.page-title"
    date_css = "div.field--name-field-release-date time, div.field--name-field-release-date"
    body_css = "div.field--name-body p"
    # An emergency rule takes effect when the Attorney General files it: the release announcing the filing
    # is the act's own notice, not a report of it.
    kinds = ((re.compile(r"emergency rule", re.IGNORECASE), NoticeKind.EMERGENCY_RULE),)
    # Florida Administrative Code rule numbers, as the notices of emergency rule give them (2ER25-1).
    identifier = re.compile(r"\b\d+[A-Z]?ER\d{2}-\d+\b")
    identifier_prefix = "Rule "
