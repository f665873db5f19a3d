"""LegiScan: getSearch for kratom across all states, then getBill only for bills whose change_hash moved.

The last hash and notice of each bill are kept in a small JSON file under REGWATCH_DATA_DIR, so an
unchanged bill costs no getBill call and is still reported. `"status": "ERROR"` envelopes (bad key,
query limit) are a source failure, never "no bills".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Self
from urllib.parse import urlencode

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from regwatch import settings
from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.spider import RegwatchSpider
from regwatch.scraping.text import clean, excerpt, parse_date

API = "https://api.legiscan.com/"
# LegiScan bill_type codes that are resolutions or memorials (they do not become law).
RESOLUTION_TYPES = {"R", "CR", "JR", "JRCA", "CA", "M", "JM", "CM", "C", "P"}


class LegiscanSpider(RegwatchSpider):
    name = "legiscan"
    allowed_domains: ClassVar[list[str]] = ["legiscan.com"]  # links and redirects elsewhere are refused
    needs_api_key = True
    max_pages = 10  # 50 results a page; kratom has a few hundred bills across all sessions

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.save_state, signal=signals.spider_closed)
        return spider

    def __init__(self, *args: Any, state_file: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.state_file = Path(state_file) if state_file else settings.legiscan_state_file()
        self.known: dict[str, dict[str, Any]] = load_state(self.state_file)
        self.changed: dict[str, dict[str, Any]] = {}

    def api(self, **params: str) -> str:
        return f"{API}?{urlencode({'key': self.api_key or '', **params})}"

    def first_requests(self) -> Iterable[Request]:
        yield self.request(self.search_url(1), callback=self.parse_search)

    def search_url(self, page: int) -> str:
        return self.api(op="getSearch", state="ALL", query="kratom", page=str(page))

    def envelope(self, response: Response, key: str) -> Any:
        """The payload under `key` of an OK envelope; None after recording an ERROR or odd envelope."""
        data = self.load_json(response)
        if data is None:
            return None
        if not isinstance(data, dict):
            self.layout_error(response, f"expected a JSON object, got {type(data).__name__}")
            return None
        if data.get("status") != "OK":
            alert = (data.get("alert") or {}).get("message") if isinstance(data.get("alert"), dict) else None
            self.source_error(response, f"LegiScan status {data.get('status')!r}: {alert or 'no message'}")
            return None
        if key not in data:
            self.layout_error(response, f"expected {key!r} in the OK envelope")
            return None
        return data[key]

    def parse_search(self, response: Response) -> Iterator[Any]:
        result = self.envelope(response, "searchresult")
        if not isinstance(result, dict):
            if result is not None:
                self.layout_error(response, "expected 'searchresult' to be an object keyed '0', '1', ...")
            return
        # An object: "summary" plus "0", "1", ... (not an array).
        for key, hit in result.items():
            if key == "summary" or not isinstance(hit, dict) or not hit.get("bill_id"):
                continue
            yield from self.bill_or_cached(response, hit)
        summary = result.get("summary") or {}
        page, total = int(summary.get("page_current") or 1), int(summary.get("page_total") or 1)
        if page < total and page < self.max_pages:
            yield self.request(self.search_url(page + 1), callback=self.parse_search)

    def bill_or_cached(self, response: Response, hit: dict[str, Any]) -> Iterator[Any]:
        """getBill when the bill is new or its change_hash moved; the stored notice otherwise."""
        bill_id = str(hit["bill_id"])
        known = self.known.get(bill_id)
        if known and known.get("change_hash") == hit.get("change_hash") and known.get("notice"):
            self.count("regwatch/legiscan_unchanged")
            yield known["notice"]
            return
        yield self.request(self.api(op="getBill", id=bill_id), callback=self.parse_bill)

    def parse_bill(self, response: Response) -> Iterator[dict[str, Any]]:
        bill = self.envelope(response, "bill")
        if not isinstance(bill, dict) or not bill.get("bill_id"):
            if bill is not None:
                self.layout_error(response, "expected 'bill' with a bill_id")
            return
        fields = bill_fields(bill)
        if fields is None:
            self.layout_error(response, f"bill {bill.get('bill_id')}: no state or date")
            return
        notice = self.notice(response, **fields)
        self.changed[str(bill["bill_id"])] = {"change_hash": bill.get("change_hash"), "notice": notice}
        yield notice

    def save_state(self, spider: RegwatchSpider, reason: str) -> None:
        """Remember the hashes and notices fetched this run (only those: a failed getBill is retried)."""
        if not self.changed:
            return
        merged = {**self.known, **self.changed}
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(merged, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.state_file)


def load_state(path: Path) -> dict[str, dict[str, Any]]:
    """The stored {bill_id: {change_hash, notice}}; empty when absent or unreadable (then all is refetched)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def bill_fields(bill: dict[str, Any]) -> dict[str, Any] | None:
    """Notice fields of one getBill payload; None without a state or any date."""
    state = clean(bill.get("state")).upper()
    if not state:
        return None
    jurisdiction = "US" if state == "US" else f"US-{state}"  # LegiScan files Congress under "US"
    actions = [
        {"date": day.isoformat(), "description": clean(h.get("action"))}
        for h in bill.get("history") or []
        if (day := parse_date(h.get("date"))) and clean(h.get("action"))  # "0000-00-00" is no date
    ]
    actions.sort(key=lambda a: a["date"])
    dates = [parse_date(p.get("date")) for p in bill.get("progress") or []]
    firsts = [d for d in dates if d] + [parse_date(a["date"]) for a in actions[:1]]
    published = min((d for d in firsts if d), default=None) or parse_date(bill.get("status_date"))
    if published is None:
        return None
    bill_type = clean(bill.get("bill_type")).upper()
    session = (bill.get("session") or {}).get("session_name") or ""
    number = clean(bill.get("bill_number"))
    return {
        "id": f"legiscan:{bill['bill_id']}",
        "jurisdiction": jurisdiction,
        "kind": NoticeKind.RESOLUTION if bill_type in RESOLUTION_TYPES else NoticeKind.BILL,
        "title": clean(bill.get("title")) or number,
        "text": excerpt(clean(bill.get("description")) or clean(bill.get("title"))),
        "url": bill.get("state_link") or bill.get("url"),
        "published": published.isoformat(),
        "identifier": f"{number} ({clean(session)})" if session else number,
        "actions": actions,
    }
