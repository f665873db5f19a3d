"""Subscriptions: `US` is the whole country (federal and every state, territory and locality), `US-*` the states
only; a new subscriber gets, with their next digest, the current status for their filters once."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest

from regwatch.domain.models import Change, Run, StatusRow
from regwatch.domain.vocab import ChangeKind, Severity, Stage, Status, Substance
from regwatch.notify import queue_alerts
from regwatch.notify.digest import send_digests
from regwatch.notify.filters import wants
from regwatch.notify.outbox import outbox_rows
from regwatch.notify.subscribers import covers, make_subscriber
from regwatch.store import Store
from tests.notify.alerts_helpers import NOW, change, subscribe

FIRST, SECOND = "2025-08-01", "2025-08-02"
ROWS = [
    StatusRow(jurisdiction="TH", substance=Substance.KRATOM, status=Status.LEGAL, since=date(2021, 8, 24)),
    StatusRow(jurisdiction="US", substance=Substance.SEVEN_OH, status=Status.RESTRICTED, since=date(2025, 7, 29)),
    StatusRow(jurisdiction="US-AL", substance=Substance.KRATOM, status=Status.BANNED, since=date(2016, 5, 10)),
    StatusRow(
        jurisdiction="US-FL",
        substance=Substance.SEVEN_OH,
        status=Status.REGULATED,
        pending=[{"measure": "restrict", "stage": Stage.PASSED_CHAMBER, "notice": "fl-hb"}],
    ),
]
DEA = change("dea-7oh", Severity.HIGH, "US", Substance.SEVEN_OH, kind=ChangeKind.PENDING_ADDED, summary="DEA: 7-OH")


@pytest.mark.parametrize(
    ("pattern", "code", "expected"),
    [
        ("US", "US", True),  # federal
        ("US", "US-AL", True),  # a state
        ("US", "US-PR", True),  # a territory
        ("US", "US-CA:san-diego", True),  # a locality
        ("US", "TH", False),
        ("US-*", "US", False),  # states only: no federal actions
        ("US-*", "US-AL", True),
        ("TH", "TH", True),
        ("US-CA", "US-CA:san-diego", True),
        ("US-CA", "US", False),
    ],
)
def test_a_nation_is_the_whole_nation_and_us_star_the_states_only(pattern: str, code: str, expected: bool) -> None:
    assert covers(pattern, code) is expected


def test_a_subscriber_to_us_gets_the_deas_actions_and_one_to_us_star_does_not() -> None:
    assert wants(make_subscriber(email="all-us@example.com", jurisdictions=["US"]), DEA)
    assert not wants(make_subscriber(email="states@example.com", jurisdictions=["US-*"]), DEA)


def publish(store: Store, run_id: str, rows: list[StatusRow], changes: list[Change]) -> None:
    run = Run(id=run_id, as_of=date.fromisoformat(run_id), started=NOW, finished=NOW, state="published")
    store.publish_run(run, rows, changes, [])


def digests(store: Store, folder: Path) -> list[Message]:
    report = send_digests(store, "daily", now=NOW, eml_dir=folder)
    assert report.ok, report
    return [message_from_bytes(path.read_bytes()) for path in report.files]


def text_of(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8")


def test_a_new_subscriber_gets_the_current_status_for_their_filters_once(sqlite_store: Store, tmp_path: Path) -> None:
    publish(sqlite_store, FIRST, ROWS, [])
    subscribe(sqlite_store, "new@example.com", jurisdictions=["US"])

    [mail] = digests(sqlite_store, tmp_path / "one")
    assert mail["Subject"] == (
        "[regwatch] Welcome: current status for your filters as of 2025-08-01: 1 banned, 1 restricted, 1 regulated"
    )
    assert text_of(mail).splitlines()[:9] == [
        (
            "Welcome to regwatch. Current status for your filters as of 2025-08-01: 1 banned, 1 restricted, "
            "1 regulated (sent once, with your first digest):"
        ),
        "",
        "  United States (federal) (US), 7-oh: restricted since 2025-07-29",
        "  Alabama (US-AL), kratom: banned since 2016-05-10",
        "  Florida (US-FL), 7-oh: regulated; pending: restrict (passed_chamber)",
        "",
        "No change in kratom law for your filters yet: the next one comes in your daily digest.",
        "",
        "--",
    ]
    assert [(r["change_id"], r["state"]) for r in outbox_rows(sqlite_store)] == [("welcome", "sent")]

    assert digests(sqlite_store, tmp_path / "two") == []  # sent once: never again
    subscribe(sqlite_store, "new@example.com", jurisdictions=["US-*"])  # new filters, not a new subscriber
    assert digests(sqlite_store, tmp_path / "three") == []


def test_the_welcome_rides_with_the_first_changes_and_is_not_counted_among_them(
    sqlite_store: Store, tmp_path: Path
) -> None:
    publish(sqlite_store, FIRST, ROWS, [])
    subscribe(sqlite_store, "new@example.com", jurisdictions=["US"], substances=[Substance.SEVEN_OH])
    publish(sqlite_store, SECOND, ROWS, [DEA.model_copy(update={"run": SECOND})])
    queue_alerts(sqlite_store, SECOND)

    [mail] = digests(sqlite_store, tmp_path)
    assert mail["Subject"] == "[regwatch] HIGH: DEA: 7-OH"
    lines = text_of(mail).splitlines()
    assert lines[:6] == [
        (
            "Welcome to regwatch. Current status for your filters as of 2025-08-01: 1 restricted, 1 regulated "
            "(sent once, with your first digest):"
        ),
        "",
        "  United States (federal) (US), 7-oh: restricted since 2025-07-29",
        "  Florida (US-FL), 7-oh: regulated; pending: restrict (passed_chamber)",
        "",
        "regwatch: 1 change in kratom law, most severe first.",
    ]


def test_no_welcome_before_the_first_run_or_where_nothing_matches(sqlite_store: Store, tmp_path: Path) -> None:
    subscribe(sqlite_store, "early@example.com")  # no run yet: nothing to tell
    publish(sqlite_store, FIRST, ROWS, [])
    subscribe(sqlite_store, "germany@example.com", jurisdictions=["DE"])  # no cell for Germany
    assert outbox_rows(sqlite_store) == []
    assert digests(sqlite_store, tmp_path) == []
