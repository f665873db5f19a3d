"""The curated baseline: every state, DC, PR, US federal and 30+ nations, each fact cited."""

from __future__ import annotations

from datetime import date

import pytest

from regwatch.domain import jurisdictions
from regwatch.domain.status import fold_status
from regwatch.domain.vocab import Status
from regwatch.errors import BadInput
from regwatch.inputs.baseline import _parse, baseline_notices, to_notice
from regwatch.normalise import classify

US_STATES_DC_PR = [
    c for c in jurisdictions.us_states_and_territories() if c not in ("US-AS", "US-GU", "US-MP", "US-UM", "US-VI")
]


@pytest.fixture(scope="module")
def notices() -> list:
    return baseline_notices()


def test_covers_every_state_dc_pr_federal_and_30_nations(notices: list) -> None:
    places = {n.jurisdiction for n in notices}
    assert len(US_STATES_DC_PR) == 52
    assert set(US_STATES_DC_PR) - places == set()
    assert "US" in places
    nations = {p for p in places if "-" not in p and ":" not in p and p != "US"}
    assert len(nations) >= 30


def test_every_fact_is_cited_with_reliability(notices: list) -> None:
    for n in notices:
        assert n.curated.sources and all(u.startswith(("https://", "http://")) for u in n.curated.sources), n.id
        assert n.url == n.curated.sources[0]


def test_ids_are_stable_and_unique(notices: list) -> None:
    ids = [n.id for n in notices]
    assert len(ids) == len(set(ids))
    assert ids == [n.id for n in baseline_notices()]


def test_every_state_has_a_status_today(notices: list) -> None:
    rows = fold_status([classify(n) for n in notices], date(2026, 11, 24))
    unknown = sorted({r.jurisdiction for r in rows if r.status is Status.UNKNOWN and r.jurisdiction in US_STATES_DC_PR})
    assert unknown == []


def test_known_facts(notices: list) -> None:
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
        "reliability": "P",
        "sources": ["https://example.org"],
        "colour": "red",
    }
    with pytest.raises(KeyError, match="colour"):
        to_notice(entry)


def test_a_bad_entry_names_the_file_and_the_entry() -> None:
    text = (
        "- jurisdiction: US-XX\n  title: t\n  published: 2026-01-01\n  stage: published\n"
        "  reliability: P\n  sources: [https://example.org]\n"
    )
    with pytest.raises(BadInput, match=r"baseline/states.yaml entry 1 \(US-XX\): .*'US-XX' is not an ISO 3166-2"):
        _parse("states.yaml", text)
