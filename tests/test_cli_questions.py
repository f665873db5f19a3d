"""The analyst's questions as commands, through typer's runner: `show`, `upcoming`, `status --columns`,
`changes --jurisdiction`, and --jurisdiction read as a name, in lower case, or a typo with the nearest code."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
import typer.main
from rich.console import Console
from typer.testing import CliRunner

from regwatch import cli
from regwatch.cli import app
from regwatch.domain.models import Notice
from regwatch.errors import BadInput
from regwatch.pipeline.steps import publish
from regwatch.reports import terminal
from regwatch.store import Store

runner = CliRunner()
DAY = "2025-07-01"

# Louisiana's SB 154, signed and taking effect on 2025-08-01, as Open States and LegiScan report it (one act);
# Texas HB 99, through the House: a ban near its next vote.
LA_OPENSTATES = {
    "jurisdiction": "US-LA",
    "source": "openstates",
    "kind": "bill",
    "title": "Provides relative to kratom",
    "text": "it is unlawful for any person in Louisiana to knowingly or intentionally produce, manufacture, "
    "distribute, dispense or possess Kratom",
    "url": "https://legis.la.gov/sb154",
    "published": "2025-03-10",
    "identifier": "SB 154",
    "effective": "2025-08-01",
    "actions": [
        {"date": "2025-04-20", "description": "Passed Senate"},
        {"date": "2025-05-20", "description": "Passed House"},
        {"date": "2025-06-04", "description": "Signed by the Governor. Becomes Act No. 41."},
    ],
}
LA_LEGISCAN = {
    "jurisdiction": "US-LA",
    "source": "legiscan",
    "kind": "bill",
    "title": "Louisiana SB154: Provides relative to kratom",
    "text": "it is unlawful for any person to produce, distribute or possess Kratom",
    "url": "https://legiscan.com/LA/bill/SB154/2025",
    "published": "2025-03-10",
    "identifier": "SB154",
    "effective": "2025-08-01",
    "actions": [{"date": "2025-06-04", "description": "Signed by the Governor. Becomes Act No. 41."}],
}
TX_BILL = {
    "jurisdiction": "US-TX",
    "source": "openstates",
    "kind": "bill",
    "title": "Relating to the placement of kratom in Schedule I",
    "text": "Adds mitragynine and 7-hydroxymitragynine to Schedule I of the Texas Controlled Substances Act.",
    "url": "https://capitol.texas.gov/hb99",
    "published": "2025-03-01",
    "identifier": "HB 99",
    "actions": [
        {"date": "2025-03-01", "description": "Introduced"},
        {"date": "2025-05-01", "description": "Passed House"},
    ],
}
LA_ID = "openstates:71cb2c9211fd096c"
LEGISCAN_ID = "legiscan:1374ce5b70a8d0a6"
TX_ID = "openstates:11db01b2acf05fdd"


@pytest.fixture(autouse=True)
def store() -> Store:
    opened = Store.open(create=True)
    opened.ingest([Notice.model_validate(n) for n in (LA_OPENSTATES, LA_LEGISCAN, TX_BILL)])
    return opened


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def failure(*args: str) -> str:
    """The one-line message of a command that refuses its input (exit 2 under `regwatch`)."""
    result = run(*args)
    assert isinstance(result.exception, BadInput), result.output
    return str(result.exception)


# show ---------------------------------------------------------------------------------------------------------


def test_show_prints_the_notice_its_reading_its_event_its_cells_and_its_sources() -> None:
    result = run("show", TX_ID, "--as-of", DAY, "--format", "text")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[15].startswith("  rule        schedule-kratom: The notice places kratom")  # and its pattern
    assert lines[:15] + lines[16:] == [
        "Relating to the placement of kratom in Schedule I",
        f"  id          {TX_ID}",
        "  where       Texas (US-TX)",
        "  what        bill HB 99, from openstates",
        "  published   2025-03-01",
        "",
        "Text:",
        "  Adds mitragynine and 7-hydroxymitragynine to Schedule I of the Texas Controlled Substances Act.",
        "",
        "Steps:",
        "  2025-03-01  Introduced",
        "  2025-05-01  Passed House",
        "",
        "Reading: ban kratom, 7-oh, stage passed_chamber",
        "  by          the rules; confidence 0.90; primary; language en",
        "  - ban kratom, 7-oh (all)",
        "",
        "Event: 1 notice(s) report this act (stage passed_chamber)",
        "  no other notice reports it",
        "",
        "Status on 2025-07-01:",
        "  pending for US-TX kratom: ban (passed_chamber)",
        "  pending for US-TX 7-oh: ban (passed_chamber)",
        "  pending for US-TX synthetic: ban (passed_chamber)",
        "",
        "Sources:",
        "  url         https://capitol.texas.gov/hb99",
        "  retrieved   (not recorded)",
        "  archived    (no archived copy)",
    ]


def test_show_finds_a_notice_by_its_bill_number_and_lists_the_other_notices_of_its_event() -> None:
    shown = json.loads(run("show", "sb 154", "--as-of", "2025-09-01", "--format", "json").stdout)
    # Both sources carry SB 154 in Louisiana: the newest (here the last id) is shown, the other is in its event.
    assert shown["id"] == LA_ID
    assert shown["event"]["others"] == [
        {
            "id": LEGISCAN_ID,
            "source": "legiscan",
            "title": "Louisiana SB154: Provides relative to kratom",
            "url": "https://legiscan.com/LA/bill/SB154/2025",
            "identifier": "SB154",
        }
    ]
    assert shown["decides"] == [
        {"jurisdiction": "US-LA", "substance": s, "status": "banned"} for s in ("kratom", "7-oh", "synthetic")
    ]
    assert (shown["reading"]["measure"], shown["reading"]["stage"], shown["effective"]) == (
        "ban",
        "effective",
        "2025-08-01",
    )


def test_show_of_an_unknown_notice_names_the_nearest_ids() -> None:
    assert failure("show", "openstates:11db01b2acf05fd") == (
        "no notice 'openstates:11db01b2acf05fd' in the store (give a notice id, as `regwatch changes` and "
        "`regwatch status --format json` print them, or a bill number or citation); did you mean "
        f"{TX_ID}, {LA_ID}?"
    )


# upcoming -----------------------------------------------------------------------------------------------------

SCHEDULED_LA = {
    "date": "2025-08-01",
    "days": 31,
    "kind": "scheduled",
    "jurisdiction": "US-LA",
    "name": "Louisiana",
    "substances": ["kratom", "7-oh", "synthetic"],
    "status": "banned",
    "measure": None,
    "stage": None,
    "next": "takes effect in 31 day(s)",
    "notice": LEGISCAN_ID,
    "identifier": "SB154",
    "title": "Louisiana SB154: Provides relative to kratom",
    "url": "https://legiscan.com/LA/bill/SB154/2025",
    "reported": False,
}
PENDING_TX = {
    "date": None,
    "days": None,
    "kind": "pending",
    "jurisdiction": "US-TX",
    "name": "Texas",
    "substances": ["kratom", "7-oh", "synthetic"],
    "status": None,
    "measure": "ban",
    "stage": "passed_chamber",
    "next": "a vote in the other chamber",
    "notice": TX_ID,
    "identifier": "HB 99",
    "title": "Relating to the placement of kratom in Schedule I",
    "url": "https://capitol.texas.gov/hb99",
    "reported": False,
}


def test_upcoming_lists_scheduled_changes_then_bills_near_a_vote_in_json_and_csv() -> None:
    assert json.loads(run("upcoming", "--as-of", DAY, "--format", "json").stdout) == [SCHEDULED_LA, PENDING_TX]
    rows = list(csv.DictReader(io.StringIO(run("upcoming", "--as-of", DAY, "--format", "csv").stdout)))
    assert rows == [
        {
            **{k: "" if v is None else str(v) for k, v in SCHEDULED_LA.items()},
            "substances": "kratom 7-oh synthetic",
            "reported": "false",
        },
        {
            **{k: "" if v is None else str(v) for k, v in PENDING_TX.items()},
            "substances": "kratom 7-oh synthetic",
            "reported": "false",
        },
    ]


def test_upcoming_keeps_to_its_window_and_its_jurisdictions() -> None:
    # 30 days from 2025-07-01 end before Louisiana's ban takes effect; Texas's bill is near a vote all the same.
    assert json.loads(run("upcoming", "--as-of", DAY, "--days", "30", "--format", "json").stdout) == [PENDING_TX]
    only_la = run("upcoming", "--as-of", DAY, "-j", "louisiana", "--format", "json").stdout
    assert json.loads(only_la) == [SCHEDULED_LA]
    states = run("upcoming", "--as-of", DAY, "-j", "us-*", "--format", "json").stdout
    assert json.loads(states) == [SCHEDULED_LA, PENDING_TX]


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal 250 wide, so that no cell wraps."""
    monkeypatch.setattr(cli, "out", Console(width=250, soft_wrap=True, markup=False, emoji=False, highlight=False))


@pytest.mark.usefixtures("wide")
def test_upcoming_table_says_what_comes_next_in_words() -> None:
    printed = run("upcoming", "--as-of", DAY, "--format", "table").stdout
    assert printed.splitlines()[0].strip() == "Upcoming: 2025-07-01 to 2025-09-29 (2 item(s))"
    assert table_rows(printed) == [
        [
            "2025-08-01", "31 d", "Louisiana (US-LA)", "kratom, 7-oh, synthetic", "becomes banned",
            "takes effect in 31 day(s)", "SB154", "Louisiana SB154: Provides relative to kratom",
        ],
        [
            "", "", "Texas (US-TX)", "kratom, 7-oh, synthetic", "pending ban (passed_chamber)",
            "a vote in the other chamber", "HB 99", "Relating to the placement of kratom in Schedule I",
        ],
    ]  # fmt: skip


# status --columns, --jurisdiction -----------------------------------------------------------------------------


def table_rows(printed: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in printed.splitlines() if line.startswith("│")]


def heading(printed: str) -> list[str]:
    return [cell.strip() for line in printed.splitlines() if line.startswith("┃") for cell in line.split("┃")[1:-1]]


@pytest.mark.usefixtures("wide")
def test_status_columns_choose_the_table_columns() -> None:
    args = ("status", "--as-of", "2025-09-01", "-j", "US-la", "--format", "table")
    printed = run(*args, "--columns", "jurisdiction, status,since,instrument").stdout
    assert heading(printed) == ["jurisdiction", "status", "since", "instrument"]
    assert (
        table_rows(printed) == [["US-LA", "banned", "2025-08-01", "Louisiana SB154: Provides relative to kratom"]] * 3
    )


@pytest.mark.usefixtures("wide")
def test_status_columns_name_and_pending() -> None:
    args = ("status", "--as-of", "2025-09-01", "-j", "texas", "--format", "table", "--columns", "name,status,pending")
    printed = run(*args)
    assert heading(printed.stdout) == ["name", "status", "pending"]
    assert table_rows(printed.stdout) == [
        ["Texas", "unknown", "ban (passed_chamber)"],
        ["Texas", "unknown", "ban (passed_chamber)"],
        ["Texas", "unknown", "ban (passed_chamber)"],
    ]


def test_an_unknown_column_is_named_with_the_choices() -> None:
    assert failure("status", "--columns", "status,colour") == (
        "--columns 'status,colour': unknown 'colour'; choose from " + ", ".join(terminal.COLUMN_CELLS)
    )


def test_a_wide_terminal_shows_instrument_reliability_and_evidence_by_default() -> None:
    assert terminal.default_columns(200) == terminal.WIDE_COLUMNS
    assert {"instrument", "reliability", "evidence", "since"} <= set(terminal.WIDE_COLUMNS)
    assert terminal.default_columns(100) == ("jurisdiction", "substance", "status", "since", "pending", "scheduled")


@pytest.mark.parametrize("command", ["status", "changes", "upcoming"])
def test_jurisdiction_typos_name_the_nearest_code_everywhere(command: str, store: Store) -> None:
    publish(store, date(2025, 9, 1))
    assert failure(command, "--jurisdiction", "lousiana").endswith("did you mean Louisiana (US-LA)?")
    assert failure(command, "--jurisdiction", "US-TXX") == (
        "--jurisdiction 'US-TXX' is not a jurisdiction: expected a code such as US-FL, TH or US-CA:san-diego, or the "
        "name of a nation or state; did you mean Texas (US-TX), Vermont (US-VT), Utah (US-UT)?"
    )


def test_changes_keep_to_the_jurisdictions_asked_and_carry_bill_numbers(store: Store) -> None:
    publish(store, date(2025, 7, 1))
    publish(store, date(2025, 9, 1))
    rows = list(csv.DictReader(io.StringIO(run("changes", "-j", "louisiana", "--format", "csv").stdout)))
    assert [(r["jurisdiction"], r["kind"], r["new_status"], r["identifier"], r["url"]) for r in rows] == [
        ("US-LA", "status_changed", "banned", "SB154", "https://legiscan.com/LA/bill/SB154/2025")
    ]
    assert json.loads(run("changes", "-j", "Texas", "--format", "json").stdout) == []


# --help ---------------------------------------------------------------------------------------------------------


def leaf_commands() -> list[list[str]]:
    """Every command path of `regwatch` (`status`, `review decide`, ...)."""

    def walk(command: Any, path: list[str]) -> list[list[str]]:
        subs = getattr(command, "commands", None)
        if not subs:
            return [path]
        return [leaf for name, sub in sorted(subs.items()) for leaf in walk(sub, [*path, name])]

    return walk(typer.main.get_command(app), [])


@pytest.mark.parametrize("path", leaf_commands(), ids=" ".join)
def test_every_command_help_says_what_it_answers_with_an_example_and_the_exit_codes(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "400"})
    shown = " ".join(result.stdout.replace("│", " ").split())
    assert result.exit_code == 0, result.output
    assert f"Example: regwatch {path[0]}" in shown or "Example: REGWATCH_DATABASE_URL=" in shown
    assert "Exit codes: 0 done; 2 a mistake in the input (one line names it); 3 the store or the disk failed" in shown
