"""The curated baseline: every state, DC, PR, US federal and 30+ nations, each fact cited."""

from __future__ import annotations

from datetime import date

import pytest

from regwatch.domain import jurisdictions
from regwatch.domain.models import Curated, Notice
from regwatch.domain.status import fold_status
from regwatch.domain.vocab import Measure, Status, Substance
from regwatch.errors import BadInput
from regwatch.inputs.baseline import _parse, baseline_notices, to_notice
from regwatch.normalise import classify
from regwatch.normalise.classify import classify_all

US_STATES_DC_PR = [
    c for c in jurisdictions.us_states_and_territories() if c not in ("US-AS", "US-GU", "US-MP", "US-UM", "US-VI")
]


def curated(notice: Notice) -> Curated:
    assert notice.curated is not None, notice.id  # every baseline notice carries its curated facts
    return notice.curated


@pytest.fixture(scope="module")
def notices() -> list[Notice]:
    return baseline_notices()


def test_covers_every_state_dc_pr_federal_and_30_nations(notices: list[Notice]) -> None:
    places = {n.jurisdiction for n in notices}
    assert len(US_STATES_DC_PR) == 52
    assert set(US_STATES_DC_PR) - places == set()
    assert "US" in places
    nations = {p for p in places if "-" not in p and ":" not in p and p != "US"}
    assert len(nations) >= 30


def test_every_fact_is_cited_with_reliability(notices: list[Notice]) -> None:
    for n in notices:
        assert curated(n).sources and all(u.startswith(("https://", "http://")) for u in curated(n).sources), n.id
        assert n.url == curated(n).sources[0]


def test_ids_are_stable_and_unique(notices: list[Notice]) -> None:
    ids = [n.id for n in notices]
    assert len(ids) == len(set(ids))
    assert ids == [n.id for n in baseline_notices()]


def test_every_state_has_a_status_today(notices: list[Notice]) -> None:
    rows = fold_status([classify(n) for n in notices], date(2026, 11, 24))
    unknown = sorted({r.jurisdiction for r in rows if r.status is Status.UNKNOWN and r.jurisdiction in US_STATES_DC_PR})
    assert unknown == []


def test_known_facts(notices: list[Notice]) -> None:
    rows = {
        (r.jurisdiction, r.substance.value): r for r in fold_status([classify(n) for n in notices], date(2026, 11, 24))
    }
    assert (rows["US-LA", "kratom"].status, rows["US-LA", "kratom"].since) == (Status.BANNED, date(2025, 8, 1))
    assert rows["US-AL", "kratom"].status is Status.BANNED
    assert rows["US-FL", "kratom"].status is Status.REGULATED and rows["US-FL", "7-oh"].status is Status.RESTRICTED
    assert rows["US-RI", "kratom"].status is Status.REGULATED
    assert rows["TH", "kratom"].status is Status.REGULATED
    assert rows["US", "kratom"].status is Status.LEGAL


def test_unknown_key_is_an_error_naming_it() -> None:
    entry = {
        "jurisdiction": "US-AK",
        "title": "t",
        "published": date(2026, 1, 1),
        "measure": None,
        "stage": "published",
        "reliability": "primary",
        "sources": ["https://example.org"],
        "colour": "red",
    }
    with pytest.raises(KeyError, match="colour"):
        to_notice(entry)


def test_a_bad_entry_names_the_file_and_the_entry() -> None:
    text = (
        "- jurisdiction: US-XX\n  title: t\n  published: 2026-01-01\n  stage: published\n"
        "  reliability: primary\n  sources: [https://example.org]\n"
    )
    with pytest.raises(BadInput, match=r"baseline/states.yaml entry 1 \(US-XX\): .*'US-XX' is not an ISO 3166-2"):
        _parse("states.yaml", text)


def test_every_jurisdiction_shows_before_and_after_its_first_law(notices: list[Notice]) -> None:
    places = {n.jurisdiction for n in notices}
    for day in (date(2024, 1, 1), date(2026, 11, 28)):
        rows = fold_status(classify_all(notices), day)
        assert places - {r.jurisdiction for r in rows} == set(), day


def test_no_fact_is_dated_by_the_day_it_was_checked(notices: list[Notice]) -> None:
    # An unknown start is `published: unknown` (undated), never the check date.
    checks = {date(2026, 11, 24), date(2026, 11, 28)}
    assert [n.id for n in notices if n.published in checks and not curated(n).undated] == []
    assert all(curated(n).reliability.value in ("primary", "secondary", "unverified") for n in notices)


def _entry(notices: list[Notice], jurisdiction: str, identifier_part: str) -> Notice:
    return next(n for n in notices if n.jurisdiction == jurisdiction and identifier_part in (n.identifier or ""))


def test_consumer_protection_acts_state_their_provisions(notices: list[Notice]) -> None:
    for place, bill in (("US-KY", "KRS 217.2202"), ("US-TX", "SB 497"), ("US-OK", "63 O.S. 1-1432.4")):
        provisions = curated(_entry(notices, place, bill)).provisions
        seven = next(p for p in provisions if p.substances == [Substance.SEVEN_OH])
        assert seven.measure is Measure.RESTRICT and "2%" in (seven.detail.cap or ""), place
        assert any(p.measure is Measure.RESTRICT and p.substances == [Substance.SYNTHETIC] for p in provisions), place
    kentucky = curated(_entry(notices, "US-KY", "HB 293")).provisions
    assert next(p for p in kentucky if p.measure is Measure.REGULATE).detail.age == 21


def test_issue_18_cells(notices: list[Notice]) -> None:
    rows = {(r.jurisdiction, r.substance.value): r for r in fold_status(classify_all(notices), date(2026, 11, 28))}
    # CDPH (2025-10-24): kratom and 7-OH illegal to sell or manufacture for consumption.
    assert (rows["US-CA", "kratom"].status, rows["US-CA", "kratom"].since) == (Status.BANNED, date(2025, 10, 24))
    # Decatur's ordinance names mitragynine pseudoindoxyl besides kratom and 7-OH.
    assert rows["US-MS:decatur", "synthetic"].status is Status.BANNED
    # The synthetic notice 2026-13581 was carried out by the order 2026-17429: one event, no longer pending.
    assert rows["US", "synthetic"].status is Status.RESTRICTED
    assert rows["US", "kratom"].status is Status.LEGAL
    for number in ("2026-20942", "2026-20943"):
        assert curated(_entry(notices, "US", number)).stage.value == "proposed"
