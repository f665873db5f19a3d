"""Federal Register API v1: documents from DEA, FDA and HHS that match kratom, mitragynine or 7-OH, and the
same agencies' documents on the public inspection desk, seen the day they are filed, before publication."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.shapes import JsonApiSpider
from regwatch.scraping.text import clean, excerpt, mentions_kratom, parse_date

SITE = "https://www.federalregister.gov"
API = f"{SITE}/api/v1/documents.json"
# The public inspection desk: documents filed with the Office of the Federal Register, usually a business day
# before they are published. `current.json` is the whole desk, one unpaginated list; the search endpoint
# finds the term in the filings' full text (the OpenAPI spec marks `conditions[available_on]` required, but
# public clients call it without, and it then searches what is on the desk).
INSPECTION = f"{SITE}/api/v1/public-inspection-documents"
INSPECTION_DESK = f"{INSPECTION}/current.json"
# Full-text search syntax of federalregister.gov ("Utilizing complex search terms"): `|` is OR; the
# hyphenated name is quoted so its "-" is not read as NOT.
TERM = 'kratom | mitragynine | "7-hydroxymitragynine"'
AGENCIES = ("drug-enforcement-administration", "food-and-drug-administration", "health-and-human-services-department")
FIELDS = (
    "abstract", "action", "agencies", "cfr_references", "citation", "comments_close_on", "dates", "docket_ids",
    "document_number", "effective_on", "html_url", "publication_date", "title", "type",
)  # fmt: skip
QUERY = [
    ("conditions[term]", TERM),
    *(("conditions[agencies][]", slug) for slug in AGENCIES),
    *(("fields[]", field) for field in FIELDS),
    ("order", "newest"),
    ("per_page", "100"),  # a few dozen documents in all: one or two pages
]
# The API's filter on publication date (OpenAPI spec: "Find documents published on or after a given date").
SINCE = "conditions[publication_date][gte]"
INSPECTION_FIELDS = (
    "agencies", "agency_names", "docket_numbers", "document_number", "editorial_note", "filed_at",
    "filing_type", "html_url", "pdf_url", "publication_date", "title", "type",
)  # fmt: skip
INSPECTION_QUERY = [
    ("conditions[term]", TERM),
    *(("conditions[agencies][]", slug) for slug in AGENCIES),
    *(("fields[]", field) for field in INSPECTION_FIELDS),
    ("per_page", "100"),
]
# On the whole desk, a filing counts when one of its agencies is one of these (the desk names only the
# issuing sub-agency, e.g. DEA, not the Department of Justice) and its title names kratom or an alkaloid.
DESK_AGENCIES = ("Drug Enforcement Administration", "Food and Drug Administration", "Health and Human Services")
# How a filing's text begins, by its `type`: what the document will be. A proposed rule (a DEA notice of
# intent is one) reads as proposed from the day it is filed; a rule's effective date is known only once it
# is published, so its filing sets no stage a status could follow (the published document does that).
FILING_LEADS = {"Proposed Rule": "Proposed rule.", "Notice": "Notice.", "Rule": "Rule, not yet published."}
# The API's `type` words (its filters say RULE / PRORULE / NOTICE). A proposed rule is a notice of what
# may come, not law: filed as `notice` with "Proposed Rule." leading its text, so it reads as proposed.
KINDS = {"Rule": NoticeKind.RULE, "Proposed Rule": NoticeKind.NOTICE, "Notice": NoticeKind.NOTICE}


class FederalRegisterSpider(JsonApiSpider):
    name = "federal_register"
    allowed_domains: ClassVar[list[str]] = ["federalregister.gov"]  # links and redirects elsewhere are refused
    start_urls: list[str] = [
        f"{API}?{urlencode(QUERY)}",
        INSPECTION_DESK,
        f"{INSPECTION}.json?{urlencode(INSPECTION_QUERY)}",
    ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.filings_seen: set[str] = set()  # the desk and the search may both list one filing

    def first_requests(self) -> Iterable[Request]:
        """The documents search, filtered between full sweeps to documents published on or after the mark
        (the mark's own day again: one published later that day is still found); the desk whole each run."""
        for url in self.start_urls:
            if url == self.start_urls[0] and self.incremental and self.mark.since:
                url = documents_since(self.mark.since)
            yield self.first_page(url, callback=self.parse)

    def recognised(self, data: Any, response: Response) -> bool:
        if isinstance(data, dict) and ("results" in data or data.get("count") == 0):
            return True
        self.layout_error(response, "expected {'count', 'results': [...]}")
        return False

    def parse_page(self, data: dict[str, Any], response: Response) -> Iterator[dict[str, Any]]:
        url = self.live_url(response)
        if not url.startswith(INSPECTION):
            for document in data.get("results") or []:
                self.saw(document.get("publication_date"))
                yield self.notice(response, **document_fields(document))
            return
        whole_desk = url.startswith(INSPECTION_DESK)
        for filing in data.get("results") or []:
            number = str(filing.get("document_number") or "")
            if not number or number in self.filings_seen or (whole_desk and not on_desk_for_us(filing)):
                continue
            self.filings_seen.add(number)
            yield self.notice(response, **filing_fields(filing))

    def next_page(self, data: dict[str, Any], response: Response) -> str | None:
        return data.get("next_page_url") or None  # followed as given: it carries every filter


def documents_since(day: str) -> str:
    """The documents search limited to documents published on or after `day` (YYYY-MM-DD)."""
    return f"{API}?{urlencode([*QUERY, (SINCE, day)])}"


def document_fields(document: dict[str, Any]) -> dict[str, Any]:
    """Notice fields of one Federal Register document."""
    doc_type = document.get("type") or ""
    action = clean(document.get("action"))
    kind = KINDS.get(doc_type, NoticeKind.OTHER)
    if kind is NoticeKind.RULE and "temporary scheduling order" in action.lower():
        kind = NoticeKind.EMERGENCY_RULE  # DEA's temporary scheduling orders take effect without rulemaking
    lead = f"{doc_type}." if doc_type else ""
    parts = (lead, action, clean(document.get("abstract")), clean(document.get("citation")), cfr_text(document))
    text = " ".join(part for part in parts if part)
    number = document.get("document_number")
    return {
        "id": f"federal_register:{number}" if number else None,
        "jurisdiction": "US",
        "kind": kind,
        "title": clean(document.get("title")),
        "text": excerpt(text),
        "url": document.get("html_url"),
        "published": document.get("publication_date"),
        "identifier": f"FR Doc. {number}" if number else None,
        "actions": document_actions(document),
        "effective": str(parse_date(document.get("effective_on")) or "") or None,
    }


def document_actions(document: dict[str, Any]) -> list[dict[str, str]]:
    """Dated steps: publication, comment deadline, effective date."""
    steps = [
        (document.get("publication_date"), f"Published in the Federal Register: {document.get('action') or ''}"),
        (document.get("comments_close_on"), "Comment period closes"),
        (document.get("effective_on"), "Effective"),
    ]
    return [
        {"date": day.isoformat(), "description": clean(text).rstrip(": ")}
        for raw, text in steps
        if (day := parse_date(raw))
    ]


def cfr_text(document: dict[str, Any]) -> str:
    """Each reference as "21 CFR 1308"; `part` comes as int, string or null."""
    refs = []
    for ref in document.get("cfr_references") or []:
        title, part = ref.get("title"), ref.get("part")
        if title is not None and part not in (None, ""):
            refs.append(f"{title} CFR {part}")
    return f"Affects {', '.join(refs)}." if refs else ""


def on_desk_for_us(filing: dict[str, Any]) -> bool:
    """Whether a filing on the whole desk is one of ours: from DEA, FDA or HHS, its title naming kratom."""
    names = [str(name) for name in filing.get("agency_names") or []]
    names += [str(a.get("name") or "") for a in filing.get("agencies") or [] if isinstance(a, dict)]
    ours = any(agency in name for name in names for agency in DESK_AGENCIES)
    return ours and mentions_kratom(filing.get("title"), filing.get("toc_doc"), filing.get("toc_subject"))


def filing_fields(filing: dict[str, Any]) -> dict[str, Any]:
    """Notice fields of a filing on the public inspection desk: one event with its published document (the
    same identifier and document number), dated the day it was filed, its text saying when it is to be
    published. Excerpts are left out: they quote the document's words ("temporary scheduling order"), which
    would read a notice of intent as an order in force."""
    number = str(filing.get("document_number"))
    filed = parse_date(filing.get("filed_at")) or parse_date(filing.get("last_public_inspection_issue"))
    to_publish = parse_date(filing.get("publication_date"))
    note = clean(filing.get("editorial_note"))
    doc_type = str(filing.get("type") or "")
    lead = FILING_LEADS.get(doc_type, f"{doc_type}." if doc_type else "")
    parts = [lead, f"On public inspection at the Office of the Federal Register from {_long(filed)}." if filed else ""]
    if to_publish:
        parts.append(f"Scheduled for publication in the Federal Register on {_long(to_publish)}.")
    elif note:
        parts.append("No publication date scheduled.")
    agencies = ", ".join(str(name) for name in filing.get("agency_names") or [])
    dockets = ", ".join(str(docket) for docket in filing.get("docket_numbers") or [])
    parts += [f"Agency: {agencies}." if agencies else "", f"Docket: {dockets}." if dockets else "", note]
    return {
        "id": f"federal_register:public-inspection:{number}",
        "jurisdiction": "US",
        "kind": NoticeKind.NOTICE,
        "title": clean(filing.get("title")),
        "text": excerpt(" ".join(part for part in parts if part)),
        "url": filing.get("html_url") or f"{SITE}/public-inspection/{number}",
        "published": filed.isoformat() if filed else to_publish.isoformat() if to_publish else None,
        "identifier": f"FR Doc. {number}",
        "actions": [{"date": filed.isoformat(), "description": "Placed on public inspection"}] if filed else [],
    }


def _long(day: date) -> str:
    """A date as the Federal Register writes it: "July 6, 2026"."""
    return f"{day:%B} {day.day}, {day.year}"
