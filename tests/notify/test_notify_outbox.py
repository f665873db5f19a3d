"""Filters and queue_alerts: who gets which change, once per (subscriber, change)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import text, update

from regwatch.domain.models import SourceHealth
from regwatch.domain.vocab import Severity, Substance
from regwatch.notify import queue_alerts
from regwatch.notify.filters import wants
from regwatch.notify.outbox import Claim, claim, claim_batch, outbox_rows, pending_for
from regwatch.notify.subscribers import all_subscribers, make_subscriber, unsubscribe
from regwatch.pipeline.steps import run_pipeline
from regwatch.store import Store, tables
from tests.notify.alerts_helpers import CHANGES, RUN_ID, change, publish, subscribe

KEY = {c.id: c.summary for c in CHANGES}
LA, FL, TH, SD, BROKEN = (c.id for c in CHANGES)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {LA, FL, TH, SD, BROKEN}),
        ({"jurisdictions": ["US-FL"]}, {FL, BROKEN}),  # a state
        ({"jurisdictions": ["TH"]}, {TH, BROKEN}),  # a nation
        ({"jurisdictions": ["US-CA:san-diego"]}, {SD, BROKEN}),  # a locality
        ({"jurisdictions": ["US-CA"]}, {SD, BROKEN}),  # a state covers its localities
        ({"jurisdictions": ["US-*"]}, {LA, FL, SD, BROKEN}),  # every US state and locality, not TH
        ({"jurisdictions": ["US-LA", "TH"]}, {LA, TH, BROKEN}),
        ({"substances": ["7-oh"]}, {FL, BROKEN}),  # a broken source has no substance: it concerns all
        ({"substances": ["kratom"], "jurisdictions": ["US-*"]}, {LA, SD, BROKEN}),
        ({"min_severity": "high"}, {LA, FL, BROKEN}),
        ({"min_severity": "critical"}, {LA}),
        ({"min_severity": "medium", "jurisdictions": ["US-*"], "substances": ["kratom"]}, {LA, BROKEN}),
    ],
)
def test_filters_pick_the_changes_a_subscriber_asked_for(filters: dict[str, Any], expected: set[str]) -> None:
    subscriber = make_subscriber(email="analyst@example.com", **filters)
    assert {c.id for c in CHANGES if wants(subscriber, c)} == expected


def test_queue_adds_one_row_per_subscriber_and_matching_change(store: Store) -> None:
    publish(store, CHANGES)
    subscribe(store, "all@example.com")
    subscribe(store, "florida@example.com", jurisdictions=["US-FL"], min_severity=Severity.HIGH)
    subscribe(store, "critical@example.com", min_severity=Severity.CRITICAL)

    assert queue_alerts(store, RUN_ID) == 5 + 2 + 1
    rows = {(r["email"], r["change_id"], r["state"], r["run_id"]) for r in outbox_rows(store)}
    assert rows == (
        {("all@example.com", c.id, "queued", RUN_ID) for c in CHANGES}
        | {("florida@example.com", FL, "queued", RUN_ID), ("florida@example.com", BROKEN, "queued", RUN_ID)}
        | {("critical@example.com", LA, "queued", RUN_ID)}
    )


def test_queue_is_idempotent_across_requeues_and_reruns_of_the_same_date(
    sqlite_store: Store, published: Callable[..., str]
) -> None:
    published()
    subscribe(sqlite_store, "all@example.com")
    assert queue_alerts(sqlite_store, RUN_ID) == len(CHANGES)
    assert queue_alerts(sqlite_store, RUN_ID) == 0
    # A re-run of the same date republishes the same change ids, plus one new change.
    extra = change("ky-7oh", Severity.MEDIUM, "US-KY", Substance.SEVEN_OH)
    published([*CHANGES, extra])
    assert queue_alerts(sqlite_store, RUN_ID) == 1
    assert len(outbox_rows(sqlite_store)) == len(CHANGES) + 1


def test_queue_skips_inactive_subscribers_and_refuses_unpublished_runs(
    sqlite_store: Store, published: Callable[..., str]
) -> None:

    published()
    subscribe(sqlite_store, "gone@example.com")
    token = all_subscribers(sqlite_store)[0].token
    assert token and unsubscribe(sqlite_store, token) == "gone@example.com"
    assert queue_alerts(sqlite_store, RUN_ID) == 0
    with pytest.raises(LookupError, match="no published run '1999-01-01'"):
        queue_alerts(sqlite_store, "1999-01-01")


def test_run_pipeline_queues_the_runs_alerts(sqlite_store: Store) -> None:

    subscribe(sqlite_store, "all@example.com")
    broken = [SourceHealth(source="openstates", ok=False, message="HTTP 500")]
    outcome = run_pipeline(sqlite_store, date(2025, 1, 1), crawl=lambda: broken)
    assert [(r["email"], r["change_id"]) for r in outbox_rows(sqlite_store)] == [
        ("all@example.com", c.id) for c in outcome.changes
    ]
    assert len(outcome.changes) == 1  # the broken source, reported even on a first run


def test_a_batch_claim_leaves_to_a_concurrent_send_only_the_message_it_took(store: Store) -> None:
    publish(store, CHANGES)
    subscribe(store, "all@example.com")
    subscribe(store, "florida@example.com", jurisdictions=["US-FL"])
    subscribe(store, "thai@example.com", jurisdictions=["TH"])
    queue_alerts(store, RUN_ID)
    now = datetime(2025, 8, 1, 7, tzinfo=UTC)
    ids = {s.email: int(s.id or 0) for s in all_subscribers(store)}
    waiting = {r["email"]: [] for r in outbox_rows(store)}  # type: ignore[var-annotated]
    for r in outbox_rows(store):
        waiting[r["email"]].append(r["change_id"])
    thai = Claim(ids["thai@example.com"], waiting["thai@example.com"], "<thai@x>")
    assert claim_batch(store, [thai], now) == [True]  # sent by one send, not yet recorded
    assert claim(store, ids["florida@example.com"], waiting["florida@example.com"], "<other@x>", now)  # another send

    batch = [Claim(ids[e], waiting[e], f"<{e}>") for e in ("all@example.com", "florida@example.com")]
    claimed = claim_batch(store, batch, now, sent=["<thai@x>"])

    assert claimed == [True, False]
    states = {(r["email"], r["state"], r["message_id"]) for r in outbox_rows(store)}
    assert states == {
        ("all@example.com", "sending", "<all@example.com>"),
        ("florida@example.com", "sending", "<other@x>"),  # left to the send that took it
        ("thai@example.com", "sent", "<thai@x>"),  # recorded although the batch's transaction was rolled back
    }


def test_waiting_rows_read_as_queued_or_from_the_runs_table_where_queued_before_payloads(store: Store) -> None:
    publish(store, CHANGES)
    subscribe(store, "all@example.com")
    subscribe(store, "florida@example.com", jurisdictions=["US-FL"])
    queue_alerts(store, RUN_ID)
    subscribers = all_subscribers(store)
    now = datetime(2025, 8, 1, 7, tzinfo=UTC)
    as_queued = pending_for(store, subscribers, now)
    with store.engine.begin() as conn:  # rows queued before migration 0002 carry no payload
        conn.execute(update(tables.outbox).where(tables.outbox.c.change_id == LA).values(payload=None))
        conn.execute(text("UPDATE outbox SET payload = NULL WHERE change_id = :id"), {"id": FL})

    from_table = pending_for(store, subscribers, now)

    assert from_table == as_queued
    assert [sorted(c.id for c in p.changes) for s in subscribers for p in as_queued[s.id]] == [
        sorted(KEY),
        sorted([FL, BROKEN]),
    ]
