"""ClinicalTrials.gov spider: pageToken pagination, study country, partial dates."""

from __future__ import annotations

from datetime import date

from regwatch.domain.vocab import NoticeKind
from spiders.clinicaltrials import ClinicalTrialsSpider, study_country
from tests.helpers.spider_helpers import fixture, make_spider, notices, response, split

FIRST = ClinicalTrialsSpider.start_urls[0]


def test_studies_and_next_page_token() -> None:
    spider = make_spider(ClinicalTrialsSpider)
    items, [next_page] = split(spider.parse(response(fixture("clinicaltrials", "studies_kratom.json"), FIRST)))
    us_study, thai_study = notices(items)
    assert next_page.url == f"{FIRST}&pageToken=NF0g5JGBlPMuwQY"
    assert (us_study.kind, us_study.jurisdiction, us_study.published) == (NoticeKind.OTHER, "US", date(2026, 2, 10))
    # "2026-03" (a month) is no day: left out of the actions
    assert [a.description for a in us_study.actions] == ["Study first posted", "Last update posted"]
    assert thai_study.jurisdiction == "TH"
    _, last = split(spider.parse(response(fixture("clinicaltrials", "studies_kratom_page2.json"), next_page.url)))
    assert last == []


def test_study_country() -> None:
    def sites(*countries: str) -> dict[str, object]:
        return {"contactsLocationsModule": {"locations": [{"country": c} for c in countries]}}

    assert study_country(sites("Malaysia", "Malaysia")) == "MY"
    assert study_country(sites("Thailand", "United States")) == "US"
    assert study_country(sites("Thailand", "Malaysia")) == "TH"
    assert study_country({}) == "US"
