"""The shipped baseline, run as a user runs it: no false alerts on a second run, every place on every date."""

from __future__ import annotations

from datetime import date

from regwatch.domain.vocab import ChangeKind, Severity
from regwatch.pipeline.steps import load_baseline, publish
from regwatch.store import Store


def test_a_second_run_raises_no_critical_change_for_facts_already_in_force(sqlite_store: Store) -> None:
    load_baseline(sqlite_store)
    first = publish(sqlite_store, date(2026, 9, 1))
    second = publish(sqlite_store, date(2026, 11, 28))
    assert first.changes == []  # the first run on a store establishes the table
    stale = [
        c.summary
        for c in second.changes
        if c.severity is Severity.CRITICAL and (c.effective is None or c.effective <= date(2026, 9, 1))
    ]
    assert stale == []
    assert [c.summary for c in second.changes if c.kind is ChangeKind.STATUS_CORRECTED] == []


def test_every_jurisdiction_shows_on_an_old_date_as_today(sqlite_store: Store) -> None:
    load_baseline(sqlite_store)
    old = {r.jurisdiction for r in publish(sqlite_store, date(2024, 1, 1)).rows}
    today = {r.jurisdiction for r in publish(sqlite_store, date(2026, 11, 28)).rows}
    assert sorted(today - old) == []
    assert len(today) > 100


def test_reloading_a_corrected_baseline_keeps_one_fact_per_entry(sqlite_store: Store) -> None:
    facts, first = load_baseline(sqlite_store)
    _, again = load_baseline(sqlite_store)
    assert (first.added, again.added, again.updated, again.retired) == (facts, 0, 0, 0)
    assert sqlite_store.count_notices() == facts
