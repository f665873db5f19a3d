"""Open States API v3: state bills matching "kratom", with actions, abstracts and sources (API key)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.middlewares import with_param
from regwatch.scraping.shapes import JsonApiSpider
from regwatch.scraping.text import clean, excerpt, parse_date

API = "https://v3.openstates.org/bills"
QUERY = [
    ("q", "kratom"),
    # Nested arrays are omitted unless asked for (api-v3 schemas.py).
    ("include", "actions"),
    ("include", "abstracts"),
    ("include", "sources"),
    ("sort", "updated_desc"),
    ("per_page", "20"),  # the API's maximum
    ("page", "1"),
]
# The API's filter on a bill's last update (api-v3 /bills `updated_since`: a date, YYYY-MM-DD).
SINCE = "updated_since"
# ocd-jurisdiction/country:us/state:fl/government, .../district:dc/..., .../territory:pr/...
OCD_JURISDICTION = re.compile(r"country:us/(?:state|district|territory):([a-z]{2})/")


class OpenStatesSpider(JsonApiSpider):
    name = "openstates"
    allowed_domains: ClassVar[list[str]] = ["openstates.org"]  # links and redirects elsewhere are refused
    needs_api_key = True
    start_urls: list[str] = [f"{API}?{urlencode(QUERY)}"]
    max_pages = 25  # 500 bills: several years of kratom bills in every state

    def first_requests(self) -> Iterable[Request]:
        """Between full sweeps, only bills updated on or after the mark (its own day again)."""
        for url in self.start_urls:
            since = self.mark.since if self.incremental else None
            yield self.first_page(with_param(url, SINCE, since) if since else url, callback=self.parse)

    def headers(self) -> dict[str, str]:
        return {"Accept": "application/json", "X-API-KEY": self.api_key or ""}

    def recognised(self, data: Any, response: Response) -> bool:
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            return True
        detail = data.get("detail") if isinstance(data, dict) else None
        self.layout_error(response, f"expected {{'results': [...], 'pagination'}}; got {detail or type(data).__name__}")
        return False

    def parse_page(self, data: dict[str, Any], response: Response) -> Iterator[dict[str, Any]]:
        for bill in data["results"]:
            self.saw(bill.get("updated_at"))
            fields = bill_fields(bill)
            if fields is None:
                self.logger.warning("skipped bill %s: no jurisdiction code or date", bill.get("id"))
                continue
            yield self.notice(response, **fields)

    def next_page(self, data: dict[str, Any], response: Response) -> str | None:
        pagination = data.get("pagination") or {}
        page, max_page = int(pagination.get("page") or 1), int(pagination.get("max_page") or 1)
        if page >= max_page or page >= self.max_pages:
            return None
        return with_param(self.live_url(response), "page", str(page + 1))


def jurisdiction_code(ocd_id: str) -> str | None:
    """ocd-jurisdiction/country:us/state:fl/government -> US-FL."""
    match = OCD_JURISDICTION.search(ocd_id or "")
    return f"US-{match.group(1).upper()}" if match else None


def bill_fields(bill: dict[str, Any]) -> dict[str, Any] | None:
    """Notice fields of one Open States bill; None without a jurisdiction or any date."""
    jurisdiction = jurisdiction_code((bill.get("jurisdiction") or {}).get("id", ""))
    # Dates come as "", "2025-02-12" or "2025-02-12T00:00:00+00:00". Each text is cleaned once (a bill
    # has ~6 actions; this function was a third of the Open States spider's time).
    actions = [
        {"date": day.isoformat(), "description": description}
        for a in bill.get("actions") or []
        if (day := parse_date(a.get("date"))) and (description := clean(a.get("description")))
    ]
    actions.sort(key=lambda a: a["date"])
    published = (
        parse_date(bill.get("first_action_date"))
        or (parse_date(actions[0]["date"]) if actions else None)
        or parse_date(bill.get("created_at"))
    )
    if jurisdiction is None or published is None:
        return None
    abstracts = [text for a in bill.get("abstracts") or [] if (text := clean(a.get("abstract")))]
    sources = [s.get("url") for s in bill.get("sources") or [] if s.get("url")]
    classes = [c.lower() for c in bill.get("classification") or []]
    is_resolution = any("resolution" in c for c in classes) and "bill" not in classes
    kind = NoticeKind.RESOLUTION if is_resolution else NoticeKind.BILL
    session = clean(bill.get("session"))
    title = clean(bill.get("title"))
    return {
        "id": f"openstates:{bill['id'].rsplit('/', 1)[-1]}" if bill.get("id") else None,
        "jurisdiction": jurisdiction,
        "kind": kind,
        "title": title,
        "text": excerpt(" ".join(abstracts) or title),
        # Open States' page is per bill and stable; `sources` are often a legislature's generic search page.
        "url": bill.get("openstates_url") or (sources[0] if sources else None),
        "published": published.isoformat(),
        "identifier": f"{clean(bill.get('identifier'))} ({session})" if session else clean(bill.get("identifier")),
        "actions": actions,
    }
