"""Reading Drupal article pages (fda.gov, dea.gov): dates shown in US Eastern time, kratom paragraphs."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scrapy.selector import SelectorList

from regwatch.scraping.text import clean, excerpt, mentions_kratom, parse_date

EASTERN = ZoneInfo("America/New_York")
# A date written inside a longer line ("Date: October 24, 2025", "Posted 8/13/2026 by ...").
_DATE_IN_TEXT = re.compile(r"[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}")


def page_date(elements: SelectorList) -> date | None:
    """The date a page shows: its text first (US Eastern, as readers see it; the whole text, else the first
    date written in it, as in "Date: October 24, 2025"), else the UTC `datetime` attribute converted to US
    Eastern (fda.gov writes UTC there, so late releases land on the next day)."""
    for element in elements:
        text = clean(" ".join(element.css("::text").getall()))
        shown = parse_date(text) or next(filter(None, map(parse_date, _DATE_IN_TEXT.findall(text))), None)
        if shown:
            return shown
        stamp = element.attrib.get("datetime")
        if stamp:
            try:
                moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            except ValueError:
                continue
            return moment.astimezone(EASTERN).date() if moment.tzinfo else moment.date()
    return None


def kratom_text(paragraphs: list[str]) -> str:
    """The lede plus every paragraph naming kratom or 7-OH; empty when none does."""
    texts = [clean(p) for p in paragraphs if clean(p)]
    relevant = [p for p in texts if mentions_kratom(p)]
    if not relevant:
        return ""
    chosen = [texts[0], *[p for p in relevant if p != texts[0]]]
    return excerpt(" ".join(chosen))


def paragraphs(selection: SelectorList) -> list[str]:
    """The text of each element, whitespace collapsed."""
    return [clean(" ".join(p.css("::text").getall())) for p in selection]
