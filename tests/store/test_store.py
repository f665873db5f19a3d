"""The store on SQLite and PostgreSQL: idempotent ingest, runs replaced whole, migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect

from regwatch.domain.models import Change, Notice, Run, SourceHealth, StatusRow
from regwatch.domain.vocab import ChangeKind, Severity, Status, Substance
from regwatch.store import Store, StoreUnavailable


def notice(**fields: object) -> Notice:
    base = {
        "jurisdiction": "US-RI",
        "source": "openstates",
        "kind": "bill",
        "title": "Kratom Act",
        "published": "2025-02-12",
        "identifier": "H 5565",
    }
    return Notice.model_validate({**base, **fields})


def run(as_of: date, health: list[SourceHealth] | None = None) -> Run:
    return Run(
        id=as_of.isoformat(),
        as_of=as_of,
        started=datetime(2026, 1, 1, tzinfo=UTC),
        state="published",
        health=health or [],
    )


def test_ingest_is_idempotent(store: Store) -> None:
    first = store.ingest([notice(), notice(identifier="S 1")])
    again = store.ingest([notice(), notice(identifier="S 1")])
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert store.count_notices() == 2


def test_changed_notice_is_updated_in_place(store: Store) -> None:
    store.ingest([notice()])
    result = store.ingest([notice(actions=[{"date": "2025-07-02", "description": "Signed by Governor"}])])
    assert (result.added, result.updated) == (0, 1)
    [stored] = list(store.notices())
    assert stored.actions[0].description == "Signed by Governor"


def test_notices_until_a_date(store: Store) -> None:
    store.ingest([notice(), notice(identifier="later", published="2026-01-01")])
    assert [n.identifier for n in store.notices(until=date(2025, 12, 31))] == ["H 5565"]


def test_publish_replaces_a_run_of_the_same_date(store: Store) -> None:
    day = date(2026, 4, 1)
    rows = [StatusRow(jurisdiction="US-RI", substance=Substance.KRATOM, status=Status.REGULATED, since=day)]
    change = Change(
        id="c1",
        run=day.isoformat(),
        kind=ChangeKind.STATUS_CHANGED,
        severity=Severity.MEDIUM,
        jurisdiction="US-RI",
        substance=Substance.KRATOM,
        summary="Rhode Island regulates kratom",
    )
    store.publish_run(run(day), rows, [change], ["n1"])
    store.publish_run(run(day), rows, [change], ["n1"])
    assert store.rows(day.isoformat()) == rows
    assert store.changes(day.isoformat()) == [change]
    assert [r.id for r in store.runs()] == ["2026-04-01"]
    assert store.news_of("2026-04-01") == ["n1"]


def test_previous_and_latest_runs(store: Store) -> None:
    for day in (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)):
        store.publish_run(run(day), [], [], [])
    assert store.latest_run().id == "2026-03-01"  # type: ignore[union-attr]
    assert store.previous_run(date(2026, 3, 1)).id == "2026-02-01"  # type: ignore[union-attr]
    assert store.previous_run(date(2026, 1, 1)) is None


def test_verified_is_the_last_good_answer(store: Store) -> None:
    store.publish_run(run(date(2026, 1, 1), [SourceHealth(source="fda", ok=True, items=2)]), [], [], [])
    store.publish_run(run(date(2026, 2, 1), [SourceHealth(source="fda", ok=False, message="500")]), [], [], [])
    assert store.verified(date(2026, 2, 1)) == {"fda": date(2026, 1, 1)}


def test_migrations_create_every_table(store: Store) -> None:
    names = set(inspect(store.engine).get_table_names())
    assert {"notices", "runs", "status_rows", "changes", "subscribers", "outbox", "alembic_version"} <= names


def test_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(StoreUnavailable, match=r"cannot open the store at postgresql\+psycopg://u:\*\*\*@127.0.0.1:1/"):
        Store.open("postgresql+psycopg://u:secret@127.0.0.1:1/none")


def test_replacing_a_source_retires_what_the_new_set_no_longer_holds(store: Store) -> None:
    first = [notice(source="baseline", identifier=f"H {n}") for n in (1, 2, 3)]
    store.ingest([notice(identifier="H 9")])  # another source's notice is never touched
    assert store.replace_source("baseline", first).added == 3
    corrected = [first[0], notice(source="baseline", identifier="H 4")]
    result = store.replace_source("baseline", corrected)
    assert (result.added, result.unchanged, result.retired) == (1, 1, 2)
    assert sorted(str(n.identifier) for n in store.notices()) == ["H 1", "H 4", "H 9"]
