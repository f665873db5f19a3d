"""ClinicalTrials.gov API v2: studies on kratom or mitragynine (research watch; kind `other`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlencode

from scrapy.http import Response

from regwatch.domain.vocab import NoticeKind
from regwatch.scraping.countries import country_code
from regwatch.scraping.middlewares import with_param
from regwatch.scraping.shapes import JsonApiSpider
from regwatch.scraping.text import clean, excerpt, parse_date

API = "https://clinicaltrials.gov/api/v2/studies"
QUERY = [("query.term", "kratom OR mitragynine"), ("pageSize", "100"), ("format", "json")]
DATES = (
    ("studyFirstPostDateStruct", "Study first posted"),
    ("startDateStruct", "Study start"),
    ("primaryCompletionDateStruct", "Primary completion"),
    ("completionDateStruct", "Study completion"),
    ("resultsFirstPostDateStruct", "Results first posted"),
    ("lastUpdatePostDateStruct", "Last update posted"),
)


class ClinicalTrialsSpider(JsonApiSpider):
    name = "clinicaltrials"
    allowed_domains: ClassVar[list[str]] = ["clinicaltrials.gov"]  # links and redirects elsewhere are refused
    start_urls: list[str] = [f"{API}?{urlencode(QUERY)}"]

    def recognised(self, data: Any, response: Response) -> bool:
        if isinstance(data, dict) and isinstance(data.get("studies"), list):
            return True
        self.layout_error(response, "expected {'studies': [...], 'nextPageToken'}")
        return False

    def parse_page(self, data: dict[str, Any], response: Response) -> Iterator[dict[str, Any]]:
        for study in data["studies"]:
            fields = study_fields(study)
            if fields is None:
                self.logger.warning("skipped a study without an NCT id or a posted date")
                continue
            yield self.notice(response, **fields)

    def next_page(self, data: dict[str, Any], response: Response) -> str | None:
        token = data.get("nextPageToken")
        return with_param(self.live_url(response), "pageToken", token) if token else None


def study_fields(study: dict[str, Any]) -> dict[str, Any] | None:
    """Notice fields of one study: a research-watch notice filed under the study's country, else US."""
    protocol = study.get("protocolSection") or {}
    ident = protocol.get("identificationModule") or {}
    status = protocol.get("statusModule") or {}
    nct = ident.get("nctId")
    actions = []
    for key, label in DATES:
        # Partial dates ("2026-03") name no day: left out rather than guessed.
        day = parse_date((status.get(key) or {}).get("date"))
        if day:
            actions.append({"date": day.isoformat(), "description": label})
    actions.sort(key=lambda a: a["date"])
    published = parse_date((status.get("studyFirstPostDateStruct") or {}).get("date"))
    if published is None and actions:
        published = parse_date(actions[0]["date"])
    if not nct or published is None:
        return None
    summary = clean((protocol.get("descriptionModule") or {}).get("briefSummary"))
    overall = clean(status.get("overallStatus")).replace("_", " ").lower()
    sponsor = clean(((protocol.get("sponsorCollaboratorsModule") or {}).get("leadSponsor") or {}).get("name"))
    lead = f"Clinical study ({overall}), sponsor {sponsor}." if sponsor else f"Clinical study ({overall})."
    return {
        "id": f"clinicaltrials:{nct}",
        "jurisdiction": study_country(protocol),
        "kind": NoticeKind.OTHER,
        "title": clean(ident.get("briefTitle") or ident.get("officialTitle")) or nct,
        "text": excerpt(f"{lead} {summary}".strip()),
        "url": f"https://clinicaltrials.gov/study/{nct}",
        "published": published.isoformat(),
        "identifier": nct,
        "actions": actions,
    }


def study_country(protocol: dict[str, Any]) -> str:
    """The one country all sites are in; US when sites span countries including the US, or are unknown."""
    locations = (protocol.get("contactsLocationsModule") or {}).get("locations") or []
    codes = []
    for location in locations:
        code = country_code(clean(location.get("country")))
        if code and code not in codes:
            codes.append(code)
    if len(codes) == 1:
        return codes[0]
    if not codes or "US" in codes:
        return "US"
    return codes[0]
