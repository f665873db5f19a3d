"""Issue 18, coverage: at least 50 nations and 40 localities, with facts checked against their sources."""

from __future__ import annotations

from datetime import date

import pytest

from regwatch.domain.models import Curated, Notice, StatusRow
from regwatch.domain.status import fold_status
from regwatch.domain.vocab import Status
from regwatch.inputs.baseline import baseline_notices
from regwatch.normalise.classify import classify_all


def curated(notice: Notice) -> Curated:
    assert notice.curated is not None, notice.id  # every baseline notice carries its curated facts
    return notice.curated


@pytest.fixture(scope="module")
def notices() -> list[Notice]:
    return baseline_notices()


@pytest.fixture(scope="module")
def rows(notices: list[Notice]) -> dict[tuple[str, str], StatusRow]:
    return {(r.jurisdiction, r.substance.value): r for r in fold_status(classify_all(notices), date(2026, 11, 28))}


def test_at_least_50_nations_and_40_localities(notices: list[Notice]) -> None:
    places = {n.jurisdiction for n in notices}
    nations = {p for p in places if "-" not in p and ":" not in p and p != "US"}
    localities = {p for p in places if ":" in p}
    assert len(nations) >= 50
    assert len(localities) >= 40
    assert all(p.split(":", 1)[1] == p.split(":", 1)[1].lower() and " " not in p for p in localities)


def test_locality_facts(rows: dict[tuple[str, str], StatusRow]) -> None:
    # Lowndes County MS: voted 2019-03-15, in force 2019-04-01 (Commercial Dispatch, WCBI).
    lowndes = rows["US-MS:lowndes-county", "kratom"]
    assert (lowndes.status, lowndes.since) == (Status.BANNED, date(2019, 4, 1))
    # Oxford MS banned synthetic kratom products only.
    assert rows["US-MS:oxford", "synthetic"].status is Status.RESTRICTED
    assert rows["US-MS:oxford", "kratom"].status is not Status.BANNED
    # Monroe County MS rescinded its 2019 ban.
    assert rows["US-MS:monroe-county", "kratom"].status is Status.LEGAL
    # Fresno County: leaf 21+, concentrated 7-OH banned from sale (Ordinance No. 25-031).
    assert rows["US-CA:fresno-county", "kratom"].status is Status.REGULATED
    assert rows["US-CA:fresno-county", "7-oh"].status is Status.RESTRICTED
    assert rows["US-IL:alton", "kratom"].status is Status.BANNED


def test_nation_facts(rows: dict[tuple[str, str], StatusRow], notices: list[Notice]) -> None:
    # Ukraine: Cabinet Resolution No. 1306 of 2024-11-15; nothing kratom-specific before it.
    assert (rows["UA", "kratom"].status, rows["UA", "kratom"].since) == (Status.BANNED, date(2024, 11, 15))
    before = fold_status(classify_all(notices), date(2024, 1, 1))
    assert next(r for r in before if r.jurisdiction == "UA" and r.substance.value == "kratom").status is Status.LEGAL
    assert (rows["HK", "kratom"].status, rows["HK", "kratom"].since) == (Status.BANNED, date(2021, 8, 13))
    assert rows["SK", "kratom"].status is Status.BANNED
    assert rows["CZ", "kratom"].status is Status.REGULATED
    assert rows["PH", "kratom"].status is Status.LEGAL


def test_weak_evidence_is_not_primary(notices: list[Notice]) -> None:
    vendors = ("kratomkaufen.ch", "cascadecatering.net")
    for n in notices:
        if any(v in u for u in curated(n).sources for v in vendors):
            assert curated(n).reliability.value != "primary", n.id
    assert not any("cascadecatering" in u for n in notices for u in curated(n).sources)
