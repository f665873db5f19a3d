"""`regwatch status` and `regwatch changes` show each cell's reliability, detail and review, and each change's
substances, reliability and whether it is only reported: in JSON, CSV and the terminal table, in words."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from regwatch.domain.models import Change, PendingItem, Run, StatusRow
from regwatch.domain.vocab import ChangeKind, DatePrecision, Measure, Reliability, Severity, Stage, Status, Substance
from regwatch.reports import terminal, words
from regwatch.reports.writer import status_csv, status_json
from regwatch.store import Store
from tests.test_cli import GOOD, jsonl


@pytest.fixture(autouse=True)
def _initialised_store() -> None:
    Store.open(create=True).engine.dispose()


def regwatch(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250"}  # wide enough that the table never wraps a cell
    return subprocess.run(
        [sys.executable, "-m", "regwatch", *args], capture_output=True, text=True, check=False, env=env
    )


def table_rows(printed: str) -> list[list[str]]:
    """The body rows of a Rich table as their cells' text (the box-drawing borders taken off)."""
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in printed.splitlines() if line.startswith("│")]


# A cell known only to a year, decided by a secondary source, with scope and limits; and an unverified one
# under review with a pending proposal known only from a report.
YEAR_ONLY = StatusRow(
    jurisdiction="US-AL",
    substance=Substance.KRATOM,
    status=Status.BANNED,
    since=date(2016, 1, 1),
    since_precision=DatePrecision.YEAR,
    evidence=["https://example.org/al"],
    last_verified=date(2025, 7, 31),
    reliability=Reliability.SECONDARY,
    detail="sale banned; possession not an offence",
)
UNDER_REVIEW = StatusRow(
    jurisdiction="US-OH",
    substance=Substance.SEVEN_OH,
    status=Status.RESTRICTED,
    since=date(2025, 7, 1),
    since_precision=DatePrecision.MONTH,
    pending=[PendingItem(measure=Measure.BAN, stage=Stage.INTRODUCED, notice="oh-hb", reported=True)],
    reliability=Reliability.UNVERIFIED,
    detail="21+, 7-OH <= 2% of the alkaloid fraction",
    review=True,
)


def test_status_json_rows_carry_reliability_detail_review_and_since_as_far_as_known() -> None:
    assert json.loads(status_json([YEAR_ONLY, UNDER_REVIEW])) == [
        {
            "jurisdiction": "US-AL",
            "substance": "kratom",
            "status": "banned",
            "since": "2016",
            "pending": [],
            "scheduled": [],
            "evidence": ["https://example.org/al"],
            "last_verified": "2025-07-31",
            "reliability": "secondary",
            "detail": "sale banned; possession not an offence",
            "review": False,
            "notice": None,
            "identifier": None,
            "instrument": None,
            "url": "https://example.org/al",
        },
        {
            "jurisdiction": "US-OH",
            "substance": "7-oh",
            "status": "restricted",
            "since": "2025-07",
            "pending": [{"measure": "ban", "stage": "introduced", "notice": "oh-hb", "reported": True}],
            "scheduled": [],
            "evidence": [],
            "last_verified": None,
            "reliability": "unverified",
            "detail": "21+, 7-OH <= 2% of the alkaloid fraction",
            "review": True,
            "notice": None,
            "identifier": None,
            "instrument": None,
            "url": None,
        },
    ]


def test_status_csv_has_the_same_columns() -> None:
    assert list(csv.DictReader(io.StringIO(status_csv([YEAR_ONLY, UNDER_REVIEW])))) == [
        {
            "jurisdiction": "US-AL",
            "substance": "kratom",
            "status": "banned",
            "since": "2016",
            "pending": "",
            "scheduled": "",
            "evidence": "https://example.org/al",
            "last_verified": "2025-07-31",
            "reliability": "secondary",
            "detail": "sale banned; possession not an offence",
            "review": "false",
            "notice": "",
            "identifier": "",
            "instrument": "",
            "url": "https://example.org/al",
        },
        {
            "jurisdiction": "US-OH",
            "substance": "7-oh",
            "status": "restricted",
            "since": "2025-07",
            "pending": "ban introduced oh-hb (reported)",
            "scheduled": "",
            "evidence": "",
            "last_verified": "",
            "reliability": "unverified",
            "detail": "21+, 7-OH <= 2% of the alkaloid fraction",
            "review": "true",
            "notice": "",
            "identifier": "",
            "instrument": "",
            "url": "",
        },
    ]


def test_status_csv_detail_goes_through_formula_neutralisation() -> None:
    row = YEAR_ONLY.model_copy(update={"detail": '=HYPERLINK("https://evil.example")'})
    [parsed] = list(csv.DictReader(io.StringIO(status_csv([row]))))
    assert parsed["detail"] == '\'=HYPERLINK("https://evil.example")'


def test_status_table_says_review_and_unverified_in_words() -> None:
    assert terminal.status_cells(YEAR_ONLY) == [
        "US-AL", "kratom", "banned", "2016", "sale banned; possession not an offence", "secondary", "", "",
        "2025-07-31",
    ]  # fmt: skip
    assert terminal.status_cells(UNDER_REVIEW) == [
        "US-OH", "7-oh", "restricted (under review, unverified)", "2025-07", "21+, 7-OH <= 2% of the alkaloid fraction",
        "unverified", "ban (introduced, reported)", "", "",
    ]  # fmt: skip


def test_a_field_the_fold_left_empty_shows_nothing() -> None:
    bare = StatusRow(jurisdiction="US", substance=Substance.KRATOM, status=Status.LEGAL, since=date(2019, 7, 1))
    assert terminal.status_cells(bare) == ["US", "kratom", "legal", "2019-07-01", "", "", "", "", ""]
    assert words.dated(date(2019, 7, 1), DatePrecision.DAY) == "2019-07-01"
    assert words.dated(None, DatePrecision.YEAR) == ""


def test_status_command_in_every_format(tmp_path: Path) -> None:
    regwatch("ingest", str(jsonl(tmp_path / "n.jsonl", GOOD)))
    day = ("--as-of", "2025-08-01")
    rows = json.loads(regwatch("status", *day, "--format", "json").stdout)
    assert rows[0] == {
        "jurisdiction": "US-LA",
        "substance": "kratom",
        "status": "banned",
        "since": "2025-08-01",
        "pending": [],
        "scheduled": [],
        "evidence": ["https://legis.la.gov/sb154"],
        "last_verified": None,
        "reliability": "primary",  # a legislature's own record, through Open States
        "detail": "",
        "review": False,
        "notice": "openstates:71cb2c9211fd096c",
        "identifier": "SB 154",
        "instrument": "SB 154: Provides relative to kratom",
        "url": "https://legis.la.gov/sb154",
    }
    printed = regwatch("status", *day, "--format", "csv").stdout.splitlines()
    assert printed[:2] == [
        (
            "jurisdiction,substance,status,since,pending,scheduled,evidence,last_verified,reliability,detail,review,"
            "notice,identifier,instrument,url"
        ),
        (
            "US-LA,kratom,banned,2025-08-01,,,https://legis.la.gov/sb154,,primary,,false,"
            "openstates:71cb2c9211fd096c,SB 154,SB 154: Provides relative to kratom,https://legis.la.gov/sb154"
        ),
    ]
    # A terminal 250 wide shows the wide columns: the instrument and the evidence too.
    table = table_rows(regwatch("status", *day, "--format", "table").stdout)
    assert table[0] == [
        "US-LA", "kratom", "banned", "2025-08-01", "SB 154: Provides relative to kratom", "", "primary", "", "",
        "https://legis.la.gov/sb154", "",
    ]  # fmt: skip


ONE_EVENT = Change(
    id="c-ky",
    run="2025-08-02",
    kind=ChangeKind.STATUS_CHANGED,
    severity=Severity.CRITICAL,
    jurisdiction="US-KY",
    substances=[Substance.SEVEN_OH, Substance.SYNTHETIC],
    old_status=Status.REGULATED,
    new_status=Status.BANNED,
    effective=date(2025, 9, 1),
    summary="Kentucky bans 7-OH and synthetic alkaloids from 2025-09-01",
    notices=["ky-news"],
    evidence=["https://example.org/ky"],
    reliability=Reliability.SECONDARY,
    reported=True,
)


def _publish(changes: list[Change]) -> None:
    run = Run(id="2025-08-02", as_of=date(2025, 8, 2), started=datetime(2025, 8, 2, tzinfo=UTC), state="published")
    store = Store.open()
    store.publish_run(run, [], changes, [])
    store.engine.dispose()


def test_changes_command_lists_substances_reliability_and_reported() -> None:
    _publish([ONE_EVENT])
    [got] = json.loads(regwatch("changes", "--format", "json").stdout)
    assert got == {
        "id": "c-ky",
        "run": "2025-08-02",
        "kind": "status_changed",
        "severity": "critical",
        "jurisdiction": "US-KY",
        "substance": "7-oh",
        "substances": ["7-oh", "synthetic"],
        "old_status": "regulated",
        "new_status": "banned",
        "effective": "2025-09-01",
        "stage": None,
        "measure": None,
        "source": None,
        "summary": "Kentucky bans 7-OH and synthetic alkaloids from 2025-09-01",
        "notices": ["ky-news"],
        "evidence": ["https://example.org/ky"],
        "reliability": "secondary",
        "reported": True,
        "explanation": "",
        "identifier": None,  # the notice is not stored: the URL of its evidence stands in
        "title": None,
        "url": "https://example.org/ky",
    }
    assert list(csv.DictReader(io.StringIO(regwatch("changes", "--format", "csv").stdout))) == [
        {
            "id": "c-ky",
            "run": "2025-08-02",
            "severity": "critical",
            "kind": "status_changed",
            "jurisdiction": "US-KY",
            "substance": "7-oh",
            "substances": "7-oh synthetic",
            "old_status": "regulated",
            "new_status": "banned",
            "effective": "2025-09-01",
            "stage": "",
            "measure": "",
            "source": "",
            "summary": "Kentucky bans 7-OH and synthetic alkaloids from 2025-09-01",
            "notices": "ky-news",
            "evidence": "https://example.org/ky",
            "reliability": "secondary",
            "reported": "true",
            "identifier": "",
            "title": "",
            "url": "https://example.org/ky",
            "explanation": "",
        }
    ]
    assert table_rows(regwatch("changes", "--format", "table").stdout) == [
        [
            "critical",
            "status_changed",
            "US-KY",
            "7-oh, synthetic",
            "Kentucky bans 7-OH and synthetic alkaloids from 2025-09-01",
            "reported; official text not yet seen (secondary)",
        ]
    ]


def test_change_with_no_reliability_yet_shows_none() -> None:
    bare = ONE_EVENT.model_copy(update={"reliability": None, "reported": False})
    assert terminal.change_cells(bare)[-1] == ""
    assert words.change_evidence(bare.model_copy(update={"reported": True})) == words.REPORTED
