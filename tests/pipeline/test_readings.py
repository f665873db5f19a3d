"""Stored readings: a build classifies only what is new or read by other rules, and gives what a fresh reading gives."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, update

from benchmarks.generate import Corpus
from regwatch.domain.changes import news_changes
from regwatch.domain.events import REPORT_WINDOW
from regwatch.domain.models import Action, Notice, Provision, StageEvent
from regwatch.domain.review import Decision, apply_decisions
from regwatch.domain.status import fold_status
from regwatch.domain.vocab import Measure, NoticeKind, Stage, Substance
from regwatch.inputs.baseline import SOURCE as BASELINE
from regwatch.normalise import classify_all
from regwatch.normalise.classify import classify
from regwatch.normalise.fingerprint import rules_fingerprint
from regwatch.pipeline import readings, steps
from regwatch.store import Store
from regwatch.store import tables as t

AS_OF = date(2026, 11, 1)
BEFORE = AS_OF - timedelta(days=7)


@pytest.fixture
def filled(store: Store) -> Store:
    steps.load_baseline(store)
    store.ingest(Corpus(5).notices(300))
    return store


def _afresh(store: Store, as_of: date) -> list[Action]:
    """Every visible notice classified now, decisions applied: what a build read before readings were stored."""
    fresh = classify_all(store.notices(until=as_of, every_date=(BASELINE,)))
    return apply_decisions(fresh, store.decisions())


def _stored(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.readings)).scalar_one())


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every notice the build classifies."""
    seen: list[str] = []
    real = classify

    def counted(notice: Notice) -> Action:
        seen.append(str(notice.id))
        return real(notice)

    monkeypatch.setattr(readings, "classify", counted)
    return seen


def _inactive_notice(store: Store) -> str:
    return next(a.notice for a in _afresh(store, AS_OF) if a.measure is Measure.UNRELATED and a.source != BASELINE)


def test_a_build_from_stored_readings_gives_the_table_a_fresh_reading_gives(filled: Store) -> None:
    steps.publish(filled, BEFORE)
    # A decision turns a reading the fold would leave out (unrelated) into a ban: it must be read whole.
    target = _inactive_notice(filled)
    filled.add_decision(
        Decision(
            notice=target,
            by="analyst",
            at=datetime(2026, 10, 30, tzinfo=UTC),
            reason="the text bans kratom",
            provisions=[Provision(measure=Measure.BAN, substances=[Substance.KRATOM])],
        )
    )
    run, rows, _changes, news = steps.build(filled, AS_OF)
    fresh = _afresh(filled, AS_OF)
    assert rows == fold_status(fresh, AS_OF, filled.verified(AS_OF))
    assert run.notices == len(fresh)
    assert news == sorted(a.notice for a in fresh if news_changes([a], "x"))
    assert steps.normalise(filled, AS_OF) == fresh
    decided = next(a for a in steps.normalise(filled, AS_OF) if a.notice == target)
    assert decided.decided and decided.measure is Measure.BAN


def test_a_second_build_classifies_only_what_is_new(filled: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    first = steps.build(filled, AS_OF)
    assert _stored(filled) == filled.count_notices()
    seen = _counting(monkeypatch)
    again = steps.build(filled, AS_OF)
    assert seen == []
    assert again[1:] == first[1:]
    added = next(Corpus(6).notices(1)).model_copy(update={"published": AS_OF})
    filled.ingest([added])
    steps.build(filled, AS_OF)
    assert seen == [str(added.id)]


def test_a_change_of_the_rules_or_of_a_notice_reads_it_again(filled: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    steps.build(filled, AS_OF)
    seen = _counting(monkeypatch)
    changed = _inactive_notice(filled)
    with filled.engine.begin() as conn:  # as an update of the notice (Store.ingest, Notice.continues) leaves it
        conn.execute(update(t.notices).where(t.notices.c.id == changed).values(content_hash="0" * 64))
    steps.build(filled, AS_OF)
    assert seen == [changed]
    seen.clear()
    monkeypatch.setattr(readings, "rules_fingerprint", lambda: "other rules")
    steps.build(filled, AS_OF)
    assert len(seen) == filled.count_notices()
    with filled.engine.connect() as conn:
        assert set(conn.execute(select(t.readings.c.rules)).scalars()) == {"other rules"}


def test_a_crash_while_classifying_leaves_readings_a_later_build_can_use(
    filled: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = steps.build(filled, AS_OF)[1]
    with filled.engine.begin() as conn:
        conn.execute(t.readings.delete())
    monkeypatch.setattr(readings, "CHUNK", 50)
    real = classify
    calls = 0

    def crashing(notice: Notice) -> Any:
        nonlocal calls
        calls += 1
        if calls > 120:
            raise MemoryError("killed")
        return real(notice)

    monkeypatch.setattr(readings, "classify", crashing)
    with pytest.raises(MemoryError):
        steps.build(filled, AS_OF)
    assert _stored(filled) == 100  # two whole chunks committed, the third lost
    monkeypatch.setattr(readings, "classify", real)
    assert steps.build(filled, AS_OF)[1] == expected


def test_a_retired_notice_takes_its_reading_with_it(filled: Store) -> None:
    steps.build(filled, AS_OF)
    before = _stored(filled)
    steps.load_baseline(filled)
    assert _stored(filled) == before
    filled.replace_source(BASELINE, [])
    with filled.engine.connect() as conn:
        sources = conn.execute(
            select(t.notices.c.source).select_from(t.readings.join(t.notices, t.readings.c.notice == t.notices.c.id))
        ).scalars()
        assert BASELINE not in set(sources)
    assert _stored(filled) == filled.count_notices()


def test_news_that_share_an_event_key_are_named_once(filled: Store) -> None:
    steps.publish(filled, BEFORE)
    fresh = _afresh(filled, AS_OF)
    news = next(a for a in fresh if news_changes([a], "x") and a.identifier and not readings.is_active(a))
    notice = filled.notice(news.notice)
    assert notice is not None
    # The same document under a second id (another source's copy of it): one event key for two news readings.
    filled.ingest([notice.model_copy(update={"id": f"{notice.id}-copy", "published": AS_OF})])
    _run, rows, _changes, named = steps.build(filled, AS_OF)
    fresh = _afresh(filled, AS_OF)
    assert named == sorted(a.notice for a in fresh if news_changes([a], "x"))
    assert named.count(news.notice) == 1
    assert rows == fold_status(fresh, AS_OF, filled.verified(AS_OF))


def _reading(notice: Notice, *, reported: bool, stage: Stage, day: date) -> Action:
    """A hand-made reading of `notice` that restricts 7-OH, at `stage` from `day`."""
    return Action(
        notice=str(notice.id),
        jurisdiction=notice.jurisdiction,
        source=notice.source,
        kind=notice.kind,
        title=notice.title,
        url=notice.url,
        published=notice.published,
        measure=Measure.RESTRICT,
        substances=[Substance.SEVEN_OH],
        history=[StageEvent(date=day, stage=stage)],
        confidence=0.9,
        rule="hand-made",
        reported=reported,
    )


@pytest.mark.parametrize("apart", [10, 100])
def test_a_quiet_reading_is_left_out_unless_a_report_joins_it(store: Store, apart: int) -> None:
    # Two releases that only tell of a 7-OH restriction (no step of their life sets a status), 20 days apart, and
    # `apart` days after the later one a report that the restriction was enacted: within events.REPORT_WINDOW
    # the report joins the nearer release (its official act), which then decides the cell, and only that one is
    # read whole; further apart each is an event of its own.
    published = date(2026, 6, 1)
    older, release, report = (
        Notice(
            jurisdiction="US-TX",
            source="dea",
            kind=NoticeKind.PRESS_RELEASE,
            title=title,
            published=day,
            url=f"https://example.org/{title}",
        )
        for title, day in (
            ("older", published - timedelta(days=20)),
            ("release", published),
            ("report", published + timedelta(days=apart)),
        )
    )
    store.ingest([older, release, report])
    made = [
        _reading(older, reported=False, stage=Stage.PUBLISHED, day=older.published),
        _reading(release, reported=False, stage=Stage.PUBLISHED, day=release.published),
        _reading(report, reported=True, stage=Stage.ENACTED, day=report.published),
    ]
    assert [readings.is_active(a) for a in made] == [False, False, True]
    rules = rules_fingerprint()
    store.save_readings(
        rules,
        [
            (str(n.id), n.content_hash(), readings.is_active(a), readings.brief(a), a.model_dump_json())
            for n, a in zip((older, release, report), made, strict=True)
        ],
    )
    [place] = readings.Readings(store, AS_OF, []).places()
    held = {a.notice for a in place.actions}
    assert held - {str(report.id)} == ({str(release.id)} if apart <= REPORT_WINDOW.days else set())
    _run, rows, _changes, _news = steps.build(store, AS_OF)
    assert rows == fold_status(made, AS_OF, store.verified(AS_OF))
    [seven_oh] = [r for r in rows if r.substance is Substance.SEVEN_OH]
    assert seven_oh.deciding == str(release.id if apart <= REPORT_WINDOW.days else report.id)


def test_refresh_asks_the_store_again_only_after_a_full_chunk(filled: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = filled.unread_notices

    def counted(*args: Any, **kwargs: Any) -> list[tuple[str, str, Any]]:
        asked.append(kwargs["after"])
        return real(*args, **kwargs)

    monkeypatch.setattr(filled, "unread_notices", counted)
    monkeypatch.setattr(readings, "CHUNK", 100)
    total = readings.refresh(filled, AS_OF)
    assert total == filled.count_notices() and total % 100 != 0
    assert len(asked) == total // 100 + 1  # the last, short chunk ends the scan: no query that finds nothing
    asked.clear()
    assert readings.refresh(filled, AS_OF) == 0
    assert asked == [""]


def _texas_hb1(sources: tuple[str, ...], published: date) -> list[Notice]:
    """Texas HB 1, a bill scheduling kratom, as each of `sources` reports it: one event by its key."""
    return [
        Notice(
            jurisdiction="US-TX",
            source=source,
            kind=NoticeKind.BILL,
            title="An act scheduling kratom",
            published=published,
            identifier="HB 1",
            url=f"https://example.org/{source}/hb1",
        )
        for source in sources
    ]


@pytest.mark.parametrize("sources", [("openstates",), ("openstates", "legiscan")])
def test_a_bill_that_failed_is_left_out_after_it_failed_and_its_proposal_dropped(
    store: Store, monkeypatch: pytest.MonkeyPatch, sources: tuple[str, ...]
) -> None:
    # A bill, pending, then failed; from two sources, one event by its key (bill:US-TX:HB1:2025).
    bills = _texas_hb1(sources, date(2025, 2, 1))
    store.ingest(bills)
    failed = date(2026, 5, 1)
    made = [
        _reading(bill, reported=False, stage=Stage.INTRODUCED, day=bill.published).model_copy(
            update={
                "identifier": bill.identifier,
                "history": [
                    StageEvent(date=bill.published, stage=Stage.INTRODUCED),
                    StageEvent(date=failed, stage=Stage.FAILED),
                ],
            }
        )
        for bill in bills
    ]
    rules = rules_fingerprint()
    store.save_readings(
        rules,
        [
            (str(n.id), n.content_hash(), True, readings.brief(a), a.model_dump_json())
            for n, a in zip(bills, made, strict=True)
        ],
    )
    ids = sorted(str(n.id) for n in bills)
    pending_on = failed - timedelta(days=30)
    [place] = readings.Readings(store, pending_on, []).places()
    assert sorted(a.notice for a in place.actions) == ids  # a live proposal: held
    steps.publish(store, pending_on)
    [place] = readings.Readings(store, AS_OF, []).places()
    # Failed by AS_OF: left out; from two sources, their event is read whole (both set a status, so it might move
    # the table: joins.by_keys).
    assert sorted(a.notice for a in place.actions) == (ids if len(ids) > 1 else []) and place.count == len(ids)
    _run, rows, changes, _news = steps.build(store, AS_OF)
    assert rows == fold_status(made, AS_OF, store.verified(AS_OF))
    # The diff finds the proposal dropped from the event it reads again (readings.Lookup), as when it was held.
    [dropped] = changes
    assert dropped.kind.value == "pending_dropped" and dropped.notices == ids
    monkeypatch.setattr(readings.Readings, "_moves", lambda self, said: True)
    assert steps.build(store, AS_OF)[1:3] == (rows, changes)


def test_the_diff_reads_an_event_of_left_out_readings_as_one(store: Store) -> None:
    # One bill from two sources, pending when the last run was published; then the rules change and both read
    # as a study (no status): an event of left-out readings only, which the diff must see as the one event it is.
    bills = _texas_hb1(("openstates", "legiscan"), date(2026, 2, 1))
    store.ingest(bills)
    pending = [
        _reading(bill, reported=False, stage=Stage.INTRODUCED, day=bill.published).model_copy(
            update={"identifier": bill.identifier}
        )
        for bill in bills
    ]
    study = [a.model_copy(update={"measure": Measure.STUDY, "provisions": [], "substances": []}) for a in pending]
    study = [Action.model_validate(a.model_dump()) for a in study]  # the principal provision made again
    rules = rules_fingerprint()

    def save(made: list[Action]) -> None:
        rows = [
            (str(n.id), n.content_hash(), readings.is_active(a), readings.brief(a), a.model_dump_json())
            for n, a in zip(bills, made, strict=True)
        ]
        store.save_readings(rules, rows)

    save(pending)
    steps.publish(store, BEFORE)
    save(study)
    ids = sorted(str(n.id) for n in bills)
    [place] = readings.Readings(store, AS_OF, []).places()
    assert place.actions == [] and place.groups == dict.fromkeys(ids, tuple(ids))
    _run, rows, changes, _news = steps.build(store, AS_OF)
    assert rows == fold_status(study, AS_OF, store.verified(AS_OF))
    [dropped] = [c for c in changes if c.kind.value != "news"]  # and the two studies, news first seen
    assert dropped.kind.value == "pending_dropped" and dropped.notices == ids


def test_the_readings_of_each_place_are_read_in_index_order_without_a_sort(sqlite_store: Store) -> None:
    # SQLite walks ix_notices_place (migration 0007): each place in id order, the readings looked up in sequence,
    # no temporary B-tree sorting every reading with its payload, the notices table itself not read.
    steps.load_baseline(sqlite_store)
    sqlite_store.ingest(Corpus(5).notices(50))
    readings.refresh(sqlite_store, AS_OF)
    asked: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        asked.append((statement, parameters))

    event.listen(sqlite_store.engine, "before_cursor_execute", record)
    rows = list(sqlite_store.readings(rules_fingerprint(), AS_OF, readings.EVERY_DATE, by_place=True))
    event.remove(sqlite_store.engine, "before_cursor_execute", record)
    assert len(rows) == sqlite_store.count_notices()
    assert [(r.jurisdiction, r.id) for r in rows] == sorted((r.jurisdiction, r.id) for r in rows)
    [(statement, parameters)] = asked
    with sqlite_store.engine.connect() as conn:
        plan = [step[-1] for step in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
    assert plan[0] == "SCAN notices USING COVERING INDEX ix_notices_place", plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
