"""Congress.gov API v3: federal bills on kratom, with their actions and CRS summaries.

The API has no keyword search (LibraryOfCongress/api.congress.gov issues #105, #314). So the spider reads
(1) a watch list of known kratom bills and (2) the most recently updated bills, newest first, keeping those
whose title names kratom, until bills are older than the look-back window. Collections inside a bill are
`{count, url}` stubs, followed only when count > 0.

Between full sweeps (regwatch.scraping.marks) the list is asked only for bills updated since the mark (its
`fromDateTime` filter), and a watch-list bill of a Congress that has ended, which takes no more actions, is read
from the HTTP cache with its collections; the weekly sweep asks for everything again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from scrapy import Request
from scrapy.http import Response

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.cache import HELD
from regwatch.scraping.middlewares import with_param
from regwatch.scraping.spider import RegwatchSpider
from regwatch.scraping.text import clean, excerpt, html_text, mentions_kratom, parse_date

API = "https://api.congress.gov/v3"
# Known federal kratom bills (docs/sources.md): fetched every run whatever the recent list holds.
WATCHLIST = ((117, "s", 5316), (118, "s", 3039), (118, "hr", 5905))
RECENT = f"{API}/bill?format=json&sort=updateDate+desc&limit=250"
# The list's filter on a bill's update time (YYYY-MM-DDT00:00:00Z): between sweeps, bills updated since the mark.
SINCE = "fromDateTime"
STUBS = ("actions", "summaries")  # the collections a notice needs; the others (cosponsors...) are skipped
LABELS = {
    "HR": ("H.R.", "house-bill"), "S": ("S.", "senate-bill"),
    "HRES": ("H.Res.", "house-resolution"), "SRES": ("S.Res.", "senate-resolution"),
    "HJRES": ("H.J.Res.", "house-joint-resolution"), "SJRES": ("S.J.Res.", "senate-joint-resolution"),
    "HCONRES": ("H.Con.Res.", "house-concurrent-resolution"),
    "SCONRES": ("S.Con.Res.", "senate-concurrent-resolution"),
}  # fmt: skip


class CongressSpider(RegwatchSpider):
    name = "congress"
    allowed_domains: ClassVar[list[str]] = ["congress.gov"]  # links and redirects elsewhere are refused
    needs_api_key = True
    lookback_days = 30  # a daily run needs a day; a month rides out a few weeks of outage
    max_list_pages = 8  # 2,000 recently updated bills at most

    def headers(self) -> dict[str, str]:
        # api.data.gov takes the key as a header: it stays out of URLs, the HTTP cache and the archive.
        return {"Accept": "application/json", "X-Api-Key": self.api_key or ""}

    def first_requests(self) -> Iterable[Request]:
        current = congress_on(self.clock().date())
        for congress, bill_type, number in WATCHLIST:
            bill = self.request(f"{API}/bill/{congress}/{bill_type}/{number}?format=json", callback=self.parse_bill)
            yield self.held(bill) if congress < current else bill
        since = self.mark.since if self.incremental else None
        recent = with_param(RECENT, SINCE, f"{since}T00:00:00Z") if since else RECENT
        yield self.request(recent, callback=self.parse_list, cb_kwargs={"page": 1})

    def parse_list(self, response: Response, page: int) -> Iterator[Request]:
        data = self.load_json(response)
        if not isinstance(data, dict) or not isinstance(data.get("bills"), list):
            if data is not None:
                self.layout_error(response, "expected {'bills': [...], 'pagination': {...}}")
            return
        cutoff = (self.clock() - timedelta(days=self.lookback_days)).date()
        oldest = None
        for bill in data["bills"]:
            self.saw(bill.get("updateDate"))
            oldest = parse_date(bill.get("updateDate")) or oldest
            if mentions_kratom(bill.get("title")) and bill.get("url"):
                yield self.request(bill["url"], callback=self.parse_bill)
        next_url = (data.get("pagination") or {}).get("next")
        if next_url and page < self.max_list_pages and oldest is not None and oldest >= cutoff:
            next_url = keep_filter(next_url, response.url)
            yield self.request(next_url, callback=self.parse_list, cb_kwargs={"page": page + 1})

    def parse_bill(self, response: Response) -> Iterator[Any]:
        data = self.load_json(response)
        bill = data.get("bill") if isinstance(data, dict) else None
        if not isinstance(bill, dict) or not bill.get("number"):
            if data is not None:
                self.layout_error(response, "expected {'bill': {'number', 'type', 'congress', ...}}")
            return
        held = response.request is not None and bool(response.request.meta.get(HELD))
        state: dict[str, Any] = {"bill": bill, "response": response, "held": held, "actions": [], "summaries": []}
        queue = [(key, bill[key]["url"]) for key in STUBS if stub_count(bill.get(key)) > 0]
        yield from self.next_step(state, queue)

    def next_step(self, state: dict[str, Any], queue: list[tuple[str, str]]) -> Iterator[Any]:
        """Fetch the next stub's collection, or, when none is left, yield the bill's notice."""
        if not queue:
            yield self.notice(state["response"], **bill_fields(state["bill"], state["actions"], state["summaries"]))
            return
        key, url = queue[0]
        url = with_param(url, "limit", "250")  # one page for nearly every bill
        kwargs = {"state": state, "key": key, "queue": queue[1:]}
        collection = self.request(url, callback=self.parse_collection, cb_kwargs=kwargs)
        # A bill read from the cache between sweeps (an ended Congress) has its collections read from it too.
        yield self.held(collection) if state["held"] else collection

    def parse_collection(
        self, response: Response, state: dict[str, Any], key: str, queue: list[tuple[str, str]]
    ) -> Iterator[Any]:
        data = self.load_json(response)
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            if data is not None:
                self.layout_error(response, f"expected {{'{key}': [...]}}")
            return
        state[key].extend(data[key])
        next_url = (data.get("pagination") or {}).get("next")
        yield from self.next_step(state, [(key, next_url), *queue] if next_url else queue)


def keep_filter(next_url: str, asked: str) -> str:
    """The next page's URL with the change filter of the page it follows. The API builds `next` from the request
    it answered; should a `next` come without `fromDateTime`, its pages would list every bill updated since
    the look-back window instead of since the source's mark."""
    since = parse_qs(urlsplit(asked).query).get(SINCE)
    if since and SINCE not in parse_qs(urlsplit(next_url).query):
        return with_param(next_url, SINCE, since[0])
    return next_url


def stub_count(stub: Any) -> int:
    """The count of a `{count, url}` stub; 0 for a missing or malformed one."""
    if isinstance(stub, dict) and stub.get("url"):
        try:
            return int(stub.get("count") or 0)
        except (TypeError, ValueError):
            return 0
    return 0


def congress_on(day: date) -> int:
    """The Congress sitting on `day`: the 1st met in 1789; each sits two years from January 3 of an odd year."""
    year = day.year - 1 if day.year % 2 == 1 and (day.month, day.day) < (1, 3) else day.year
    return (year - 1789) // 2 + 1


def ordinal(number: int) -> str:
    """117 -> "117th", 121 -> "121st"."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def bill_fields(bill: dict[str, Any], actions: list[dict[str, Any]], summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """Notice fields of one bill, its actions and its summaries (the latest summary is the text)."""
    congress = int(bill.get("congress") or 0)
    bill_type = str(bill.get("type") or "").upper()
    label, path = LABELS.get(bill_type, (bill_type, "bill"))
    number = str(bill.get("number"))
    latest = max(summaries, key=lambda s: (s.get("actionDate") or "", s.get("updateDate") or ""), default=None)
    text = html_text(latest.get("text")) if latest else ""
    steps = [
        {"date": day.isoformat(), "description": clean(a.get("text"))}
        for a in actions
        if (day := parse_date(a.get("actionDate"))) and clean(a.get("text"))
    ]
    steps.sort(key=lambda step: step["date"])
    # Joint resolutions go to the President and can become law: bills. Simple and concurrent ones cannot.
    kind = NoticeKind.RESOLUTION if bill_type in ("HRES", "SRES", "HCONRES", "SCONRES") else NoticeKind.BILL
    return {
        "id": f"congress:{congress}-{bill_type.lower()}-{number}",
        "jurisdiction": "US",
        "kind": kind,
        "title": clean(bill.get("title")),
        "text": excerpt(text or clean(bill.get("title"))),
        "url": f"https://www.congress.gov/bill/{ordinal(congress)}-congress/{path}/{number}",
        "published": bill.get("introducedDate"),
        "identifier": f"{label} {number} ({ordinal(congress)} Congress)",
        "actions": steps,
    }
