"""Federal Register API v1: documents from DEA, FDA and HHS that match kratom, mitragynine or 7-OH."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlencode

from scrapy.http import Response

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.shapes import JsonApiSpider
from regwatch.scraping.text import clean, excerpt, parse_date

API = "https://www.federalregister.gov/api/v1/documents.json"
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
# The API's `type` words (its filters say RULE / PRORULE / NOTICE). A proposed rule is a notice of what
# may come, not law: filed as `notice` with "Proposed Rule." leading its text, so it reads as proposed.
KINDS = {"Rule": NoticeKind.RULE, "Proposed Rule": NoticeKind.NOTICE, "Notice": NoticeKind.NOTICE}


class FederalRegisterSpider(JsonApiSpider):
    name = "federal_register"
    allowed_domains: ClassVar[list[str]] = ["federalregister.gov"]  # links and redirects elsewhere are refused
    start_urls: list[str] = [f"{API}?{urlencode(QUERY)}"]

    def recognised(self, data: Any, response: Response) -> bool:
        if isinstance(data, dict) and ("results" in data or data.get("count") == 0):
            return True
        self.layout_error(response, "expected {'count', 'results': [...]}")
        return False

    def parse_page(self, data: dict[str, Any], response: Response) -> Iterator[dict[str, Any]]:
        for document in data.get("results") or []:
            yield self.notice(response, **document_fields(document))

    def next_page(self, data: dict[str, Any], response: Response) -> str | None:
        return data.get("next_page_url") or None  # followed as given: it carries every filter


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
