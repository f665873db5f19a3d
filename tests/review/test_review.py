"""Analyst review through the real commands: decisions override the rules and survive re-runs, undo restores
them, the log is append-only, conflicts appear once and clear when decided, explain cites its notice."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from regwatch.cli import app
from regwatch.domain.models import Notice
from regwatch.domain.vocab import ChangeKind, Severity, Status
from regwatch.errors import BadInput
from regwatch.notify.render import item
from regwatch.pipeline.steps import publish, run_pipeline
from regwatch.store import Store

runner = CliRunner()
TODAY = date(2026, 11, 28)

# A bill the rules read as a regulation (title and text say so), enacted and in force.
REGULATION = {
    "id": "openstates:ky-hb-1",
    "jurisdiction": "US-KY",
    "source": "openstates",
    "kind": "bill",
    "title": "AN ACT relating to kratom and making an appropriation: kratom products sold only to persons 21 and older",
    "text": "Requires kratom processors to register and label products; prohibits sale to persons under 21.",
    "url": "https://apps.legislature.ky.gov/record/24rs/hb1.html",
    "published": "2024-01-10",
    "identifier": "HB 1",
    "actions": [{"date": "2024-04-09", "description": "signed by Governor"}],
    "effective": "2024-07-15",
}


@pytest.fixture
def store() -> Store:
    opened = Store.open(create=True)
    opened.ingest([Notice.model_validate(REGULATION)])
    return opened


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def status_of(store: Store, place: str = "US-KY") -> dict[str, Status]:
    return {r.substance.value: r.status for r in publish(store, TODAY).rows if r.jurisdiction == place}


def test_a_decision_overrides_the_rules_and_survives_a_rerun_and_undo_restores_them(store: Store) -> None:
    assert status_of(store)["kratom"] is Status.REGULATED
    result = run(
        "review", "decide", "openstates:ky-hb-1", "--provision", "ban:kratom", "--by", "ana", "--reason", "read the act"
    )
    assert result.exit_code == 0, result.output
    assert status_of(store) == {"kratom": Status.BANNED, "7-oh": Status.BANNED, "synthetic": Status.BANNED}
    assert status_of(store)["kratom"] is Status.BANNED  # a re-run replays the decision
    assert run("review", "undo", "openstates:ky-hb-1", "--by", "ben", "--reason", "wrong act").exit_code == 0
    assert status_of(store)["kratom"] is Status.REGULATED


def test_the_log_holds_every_decision_in_order_and_cannot_be_rewritten(store: Store) -> None:
    run("review", "decide", "openstates:ky-hb-1", "--provision", "ban:kratom", "--by", "ana", "--reason", "one")
    run(
        "review", "decide", "openstates:ky-hb-1", "--provision", "regulate:kratom", "--provision",
        "restrict:7-oh,synthetic", "--by", "ben", "--reason", "two",
    )  # fmt: skip
    run("review", "undo", "openstates:ky-hb-1", "--by", "cy", "--reason", "three")
    result = run("review", "log", "--format", "json")
    log = json.loads(result.stdout)
    assert [(e["by"], e["reason"]) for e in log] == [("ana", "one"), ("ben", "two"), ("cy", "three")]
    assert [[(p["measure"], p["substances"]) for p in e["after"]] for e in log] == [
        [("ban", ["kratom"])],
        [("regulate", ["kratom"]), ("restrict", ["7-oh", "synthetic"])],
        [(p["measure"], p["substances"]) for p in log[0]["before"]],  # undo: back to the rules' reading
    ]
    assert log[1]["before"] == log[0]["after"]
    for statement in ("UPDATE decisions SET by = 'eve'", "DELETE FROM decisions"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert [e["by"] for e in json.loads(run("review", "log", "--format", "json").stdout)] == ["ana", "ben", "cy"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["decide", "nope:1", "--provision", "ban:kratom", "--by", "a", "--reason", "r"], "nope:1"),
        (["decide", "openstates:ky-hb-1", "--provision", "forbid:kratom", "--by", "a", "--reason", "r"], "forbid"),
        (["decide", "openstates:ky-hb-1", "--provision", "ban:leaf", "--by", "a", "--reason", "r"], "leaf"),
        (["decide", "openstates:ky-hb-1", "--provision", "ban:kratom", "--by", "a", "--reason", "r", "--effective",
          "2026-13-01"], "--effective '2026-13-01'"),
        (["undo", "nope:1", "--by", "a", "--reason", "r"], "nope:1"),
    ],
)  # fmt: skip
def test_bad_input_is_named_and_changes_nothing(store: Store, args: list[str], named: str) -> None:
    result = run("review", *args)
    assert isinstance(result.exception, BadInput) and named in str(result.exception)
    assert store.decisions() == []


@pytest.mark.parametrize("missing", ["--by", "--reason"])
def test_a_decision_needs_who_and_why(store: Store, missing: str) -> None:
    args = ["review", "decide", "openstates:ky-hb-1", "--provision", "ban:kratom", "--by", "a", "--reason", "r"]
    at = args.index(missing)
    result = run(*args[:at], *args[at + 2 :])
    assert result.exit_code == 2 and missing in result.output
    assert store.decisions() == []


def test_a_conflict_appears_is_alerted_once_and_clears_when_decided(store: Store) -> None:
    publish(store, date(2026, 11, 1))
    # Another source reports the same bill as a ban: one event, two readings of the same cells.
    ban = {"title": "AN ACT adding mitragynine to Schedule I", "text": "Adds mitragynine to Schedule I."}
    store.ingest([Notice.model_validate({**REGULATION, "id": "legiscan:ky-hb-1", "source": "legiscan", **ban})])
    first = publish(store, date(2026, 11, 2))
    conflicts = [c for c in first.changes if c.kind is ChangeKind.CONFLICT]
    assert [(c.severity, c.jurisdiction, len(c.substances)) for c in conflicts] == [(Severity.HIGH, "US-KY", 3)]
    assert {r.substance.value for r in first.rows if r.conflict} == {"kratom", "7-oh", "synthetic"}
    [row] = [r for r in first.rows if r.substance.value == "kratom" and r.jurisdiction == "US-KY"]
    assert {row.deciding, *row.conflict} == {"openstates:ky-hb-1", "legiscan:ky-hb-1"}
    listed = json.loads(run("review", "list", "--format", "json").stdout)
    assert [i["notice"] for i in listed if i["reason"] == "conflict"] == row.conflict
    again = publish(store, date(2026, 11, 3))
    assert [c for c in again.changes if c.kind is ChangeKind.CONFLICT] == []  # alerted once
    run("review", "decide", row.conflict[0], "--provision", "regulate:kratom", "--by", "ana", "--reason", "same act")
    settled = publish(store, date(2026, 11, 4))
    assert [r for r in settled.rows if r.conflict] == []


def test_explain_cites_the_deciding_notice_and_its_source(store: Store) -> None:
    result = run("explain", "Kentucky", "--substance", "kratom", "--as-of", "2026-11-28")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Kentucky (US-KY), as of 2026-11-28:",
        (
            "- kratom: Regulated since 2024-07-15 under AN ACT relating to kratom and making an appropriation: kratom "
            "products sold only to persons 21 and older (HB 1), enacted 2024-04-09 (licence required; 21+). Source: "
            "apps.legislature.ky.gov "
            "(primary). No proposal pending."
        ),
    ]


def test_reports_and_digests_explain_each_cell(store: Store, tmp_path: Path) -> None:
    publish(store, date(2024, 1, 1))
    outcome = run_pipeline(store, TODAY, reports_dir=tmp_path)
    [change] = [c for c in outcome.changes if c.kind is ChangeKind.STATUS_CHANGED]
    assert change.explanation.startswith("Regulated since 2024-07-15 under AN ACT relating to kratom")
    assert item(change).why == change.explanation
    page = (tmp_path / TODAY.isoformat() / "j" / "US-KY.html").read_text(encoding="utf-8")
    assert "<strong>kratom</strong>: Regulated since 2024-07-15 under AN ACT relating to kratom" in page
