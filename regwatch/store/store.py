"""The Store: notices, runs, status tables and changes, behind plain methods that speak models."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (
    Connection,
    Engine,
    Row,
    any_,
    bindparam,
    case,
    delete,
    func,
    insert,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from regwatch.domain.changes import most_severe_first
from regwatch.domain.models import Change, Notice, Run, SourceHealth, StatusRow
from regwatch.domain.review import Decision
from regwatch.errors import explain
from regwatch.redact import redact_url
from regwatch.store import tables as t
from regwatch.store.db import PUBLISH_LOCK, make_engine, write_transaction

log = logging.getLogger(__name__)

# Rows per INSERT statement: large enough to be fast, small enough for SQLite's variable limit.
BATCH = 500


@dataclass(frozen=True)
class IngestResult:
    added: int
    updated: int
    unchanged: int
    kept: list[str] = field(default_factory=list)  # ids kept at their earlier version: see Notice.continues
    retired: int = 0  # notices of a replaced set (the baseline) that the new set no longer holds


class Store:
    """The regwatch store on SQLite or PostgreSQL. Every write is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, *, create: bool = False) -> Store:
        """The store at `url` (default the configured one), migrated; `create`: make it if it is not there."""
        return cls(make_engine(url, create=create))

    def where(self) -> str:
        """The store's URL with any password hidden, for messages."""
        return redact_url(self.engine.url.render_as_string(hide_password=False))

    # notices -----------------------------------------------------------------------------------------

    def ingest(self, notices: Iterable[Notice], now: datetime | None = None) -> IngestResult:
        """Store notices by id: new ones are added, repeats change nothing, a later stage of a stored
        notice (Notice.continues: actions grew) updates it.

        Any other change under a known id is never a silent overwrite: the earlier version is kept,
        logged and named in `kept` (an amended document needs an id of its own).
        """
        now = now or datetime.now(UTC)
        incoming: dict[str, Notice] = {}
        kept: list[str] = []
        for notice in notices:
            notice_id = str(notice.id)
            first = incoming.get(notice_id)
            if first is None or notice.continues(first):
                incoming[notice_id] = notice
            elif notice.content_hash() != first.content_hash():
                kept.append(notice_id)
        added = updated = kept_known = 0
        with write_transaction(self.engine) as conn:
            known = _known_hashes(conn, list(incoming))
            new_rows = []
            for notice_id, notice in incoming.items():
                digest = notice.content_hash()
                if notice_id not in known:
                    new_rows.append(_notice_row(notice, digest, now))
                elif known[notice_id] != digest:
                    if not _replaces_stored(conn, notice):
                        kept.append(notice_id)
                        kept_known += 1
                        continue
                    row = _notice_row(notice, digest, now)
                    del row["first_seen"]
                    conn.execute(update(t.notices).where(t.notices.c.id == notice_id).values(**row))
                    updated += 1
            for start in range(0, len(new_rows), BATCH):
                # An upsert: on PostgreSQL a concurrent ingest may add the same id after we looked.
                _insert_rows(conn, new_rows[start : start + BATCH])
            added = len(new_rows)
        kept = sorted(set(kept))
        for notice_id in kept:
            log.warning("notice %s: kept the earlier version; a later one says something else under its id", notice_id)
        unchanged = len(incoming) - added - updated - kept_known
        return IngestResult(added=added, updated=updated, unchanged=unchanged, kept=kept)

    def replace_source(self, source: str, notices: list[Notice], now: datetime | None = None) -> IngestResult:
        """Make the store's notices of `source` exactly `notices`: ingest them, then remove the ones of that
        source they no longer hold (a corrected baseline fact gets a new id; the wrong one must not stay).

        One transaction for the removal; the ingest is idempotent, so a failure between the two leaves
        at worst the old facts beside the new, which the next load removes.
        """
        result = self.ingest(notices, now)
        keep = {str(n.id) for n in notices}
        with write_transaction(self.engine) as conn:
            stored = conn.execute(select(t.notices.c.id).where(t.notices.c.source == source)).scalars().all()
            gone = sorted(set(stored) - keep)
            for start in range(0, len(gone), BATCH):
                conn.execute(delete(t.notices).where(t.notices.c.id.in_(gone[start : start + BATCH])))
        for notice_id in gone:
            log.info("notice %s: retired (no longer in the %s set)", notice_id, source)
        return dataclasses.replace(result, retired=len(gone))

    def notices(self, until: date | None = None, *, every_date: tuple[str, ...] = ()) -> Iterator[Notice]:
        """Every stored notice (published on or before `until`, when given), in id order.

        Notices of the sources in `every_date` come whatever their date: the baseline's undated facts
        (in force since an unknown date) carry the day they were checked, yet hold at every earlier date.
        A stored notice that today's model refuses (written before a check was added) is logged and
        skipped: one bad notice must never stop a run.
        """
        query = select(t.notices.c.id, t.notices.c.payload).order_by(t.notices.c.id)
        if until is not None:
            query = query.where(_published_by(until, every_date))
        with self.engine.connect() as conn:
            for row in conn.execute(query.execution_options(yield_per=2000)):
                try:
                    yield Notice.model_validate(row.payload)
                except ValidationError as exc:
                    log.warning("stored notice %s skipped: %s", row.id, explain(exc))

    # readings (regwatch.pipeline.readings) ------------------------------------------------------------

    def unread_notices(
        self, rules: str, until: date, every_date: tuple[str, ...], *, after: str = "", limit: int = 1000
    ) -> list[tuple[str, str, Any]]:
        """Up to `limit` notices visible on `until` (as `notices` selects them) after id `after`, in id order, that
        have no reading valid for `rules` and their content: (id, content hash, payload) each."""
        n, r = t.notices, t.readings
        valid = (r.c.notice == n.c.id) & (r.c.rules == rules) & (r.c.content_hash == n.c.content_hash)
        query = (
            select(n.c.id, n.c.content_hash, n.c.payload)
            .select_from(n.outerjoin(r, valid))
            .where(r.c.notice.is_(None), n.c.id > after, _published_by(until, every_date))
            .order_by(n.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(row.id, row.content_hash, row.payload) for row in conn.execute(query)]

    def save_readings(self, rules: str, readings: list[tuple[str, str, bool, str, str]]) -> None:
        """Store readings (notice id, content hash, active, brief, payload), replacing any earlier one of those
        notices, in one transaction: a reading is valid on its own, so a crash between two saves loses only
        work (the rest is read again), never consistency."""
        rows = [
            {"notice": i, "rules": rules, "content_hash": h, "active": a, "brief": b, "payload": p}
            for i, h, a, b, p in readings
        ]
        with write_transaction(self.engine) as conn:
            for start in range(0, len(rows), BATCH):
                conn.execute(_upsert_readings(conn), rows[start : start + BATCH])

    def readings(
        self, rules: str, until: date, every_date: tuple[str, ...], *, by_place: bool = False, whole: bool = True
    ) -> Iterator[Any]:
        """The valid readings of the notices visible on `until`: rows of (jurisdiction, id, active, brief,
        payload), in id order, or by jurisdiction then id (`by_place`). Without `whole`, an inactive reading's
        payload is not read (None): the fold needs only its brief."""
        n, r = t.notices, t.readings
        payload = r.c.payload if whole else case((r.c.active, r.c.payload), else_=null())
        query = (
            select(n.c.jurisdiction, n.c.id, r.c.active, r.c.brief, payload.label("payload"))
            .select_from(r.join(n, (r.c.notice == n.c.id) & (r.c.content_hash == n.c.content_hash)))
            .where(r.c.rules == rules, _published_by(until, every_date))
            # By place, SQLite walks ix_notices_place (migration 0007): no sort, and the readings looked up in order.
            .order_by(*((n.c.jurisdiction, n.c.id) if by_place else (n.c.id,)))
        )
        with self.engine.connect() as conn:
            yield from conn.execute(query.execution_options(yield_per=2000))

    def reading_payloads(self, rules: str, ids: Iterable[str]) -> dict[str, str]:
        """The stored reading (Action JSON) of each of `ids` that has one valid for `rules`."""
        n, r = t.notices, t.readings
        wanted = sorted(set(ids))
        out: dict[str, str] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), BATCH):
                query = (
                    select(r.c.notice, r.c.payload)
                    .select_from(r.join(n, (r.c.notice == n.c.id) & (r.c.content_hash == n.c.content_hash)))
                    .where(r.c.rules == rules, r.c.notice.in_(wanted[start : start + BATCH]))
                )
                out.update({row.notice: row.payload for row in conn.execute(query)})
        return out

    def add_decision(self, decision: Decision) -> None:
        """Record an analyst's decision (append-only: nothing ever updates or deletes one)."""
        row = {
            "notice": decision.notice,
            "by": decision.by,
            "at": decision.at,
            "payload": decision.model_dump(mode="json"),
        }
        with write_transaction(self.engine) as conn:
            conn.execute(insert(t.decisions).values(**row))

    def decisions(self) -> list[Decision]:
        """Every decision in the order it was made."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.decisions.c.payload).order_by(t.decisions.c.seq))
            return [Decision.model_validate(r.payload) for r in rows]

    def notice(self, notice_id: str) -> Notice | None:
        with self.engine.connect() as conn:
            payload = conn.execute(select(t.notices.c.payload).where(t.notices.c.id == notice_id)).scalar()
        return Notice.model_validate(payload) if payload is not None else None

    def count_notices(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t.notices)).scalar_one())

    # runs ----------------------------------------------------------------------------------------------

    def publish_run(
        self,
        run: Run,
        rows: list[StatusRow],
        changes: list[Change],
        news: list[str],
        *,
        also: Callable[[Connection], int] | None = None,
    ) -> int:
        """Replace the run's outputs in one transaction: readers see the old table or the new, never half.

        `also` writes more in that same transaction, so that it commits with the run or not at all:
        the run's alerts (regwatch.notify.outbox.queue_changes, the transactional outbox). Returns what
        `also` returns (the rows it added), 0 without it.
        Serialised across processes (write_transaction): two runs of one date replace each other
        whole, the later one winning, instead of colliding on the run's keys.
        """
        with write_transaction(self.engine, PUBLISH_LOCK) as conn:
            for table in (t.status_rows, t.changes):
                conn.execute(delete(table).where(table.c.run_id == run.id))
            conn.execute(delete(t.runs).where(t.runs.c.id == run.id))
            conn.execute(
                insert(t.runs).values(
                    id=run.id,
                    as_of=run.as_of,
                    started=run.started,
                    finished=run.finished,
                    state=run.state,
                    published=True,
                    notices=run.notices,
                    changes=len(changes),
                    health=[h.model_dump(mode="json") for h in run.health],
                    news=sorted(news),
                )
            )
            status_rows = [
                {
                    "run_id": run.id,
                    "jurisdiction": r.jurisdiction,
                    "substance": r.substance.value,
                    "status": r.status.value,
                    "payload": r.model_dump(mode="json"),
                }
                for r in rows
            ]
            for start in range(0, len(status_rows), BATCH):
                conn.execute(insert(t.status_rows), status_rows[start : start + BATCH])
            change_rows = [
                {
                    "run_id": run.id,
                    "id": c.id,
                    "kind": c.kind.value,
                    "severity": c.severity.value,
                    "jurisdiction": c.jurisdiction,
                    "substance": c.substance.value if c.substance else None,
                    "payload": c.model_dump(mode="json"),
                }
                for c in changes
            ]
            for start in range(0, len(change_rows), BATCH):
                conn.execute(insert(t.changes), change_rows[start : start + BATCH])
            return also(conn) if also is not None else 0

    def run(self, run_id: str) -> Run | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.runs).where(t.runs.c.id == run_id)).first()
        return _run_model(row) if row else None

    def latest_run(self) -> Run | None:
        """The published run with the latest as-of date."""
        query = select(t.runs).where(t.runs.c.published.is_(True)).order_by(t.runs.c.as_of.desc()).limit(1)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _run_model(row) if row else None

    def previous_run(self, as_of: date) -> Run | None:
        """The published run just before `as_of`: what a run on `as_of` is compared against."""
        query = (
            select(t.runs)
            .where(t.runs.c.published.is_(True), t.runs.c.as_of < as_of)
            .order_by(t.runs.c.as_of.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _run_model(row) if row else None

    def runs(self) -> list[Run]:
        with self.engine.connect() as conn:
            return [_run_model(r) for r in conn.execute(select(t.runs).order_by(t.runs.c.as_of))]

    def news_of(self, run_id: str) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(t.runs.c.news).where(t.runs.c.id == run_id)).scalar() or [])

    def rows(self, run_id: str) -> list[StatusRow]:
        query = (
            select(t.status_rows.c.payload)
            .where(t.status_rows.c.run_id == run_id)
            .order_by(t.status_rows.c.jurisdiction, t.status_rows.c.substance)
        )
        with self.engine.connect() as conn:
            return [StatusRow.model_validate(r.payload) for r in conn.execute(query)]

    def changes(self, run_id: str) -> list[Change]:
        query = select(t.changes.c.payload).where(t.changes.c.run_id == run_id)
        with self.engine.connect() as conn:
            found = [Change.model_validate(r.payload) for r in conn.execute(query)]
        return most_severe_first(found)

    def verified(self, until: date) -> dict[str, date]:
        """The last as-of date on which each source answered well, up to `until`."""
        last: dict[str, date] = {}
        for run in self.runs():
            if run.as_of > until:
                continue
            for health in run.health:
                if health.ok:
                    last[health.source] = max(last.get(health.source, run.as_of), run.as_of)
        return last


def _published_by(until: date, every_date: tuple[str, ...]) -> Any:
    """Notices published on or before `until`, and every notice of the sources in `every_date`."""
    return or_(t.notices.c.published <= until, t.notices.c.source.in_(every_date))


def _upsert_readings(conn: Connection) -> Any:
    """INSERT of readings that replaces the stored reading of the same notice."""
    dialect = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = dialect(t.readings)
    columns = ("rules", "content_hash", "active", "brief", "payload")
    return statement.on_conflict_do_update(
        index_elements=["notice"], set_={c: getattr(statement.excluded, c) for c in columns}
    )


def _known_hashes(conn: Connection, ids: list[str]) -> dict[str, str]:
    """The stored content hash of each of `ids` that is stored.

    PostgreSQL: one query for them all (`id = ANY(array)`). Batches of `IN (500 ids)` against a table filled
    since it was last analysed (a first crawl, a benchmark) were planned as a sequential scan each: 20
    scans per 10,000 notices, 8 s of a 9 s ingest at 30k notices (benchmarks/README.md, ingest).
    """
    if conn.dialect.name == "postgresql":
        query = select(t.notices.c.id, t.notices.c.content_hash).where(t.notices.c.id == any_(bindparam("ids")))
        return {row.id: row.content_hash for row in conn.execute(query, {"ids": ids})}
    known: dict[str, str] = {}
    for start in range(0, len(ids), BATCH):
        query = select(t.notices.c.id, t.notices.c.content_hash).where(t.notices.c.id.in_(ids[start : start + BATCH]))
        known.update({row.id: row.content_hash for row in conn.execute(query)})
    return known


def _insert_rows(conn: Connection, rows: list[dict[str, object]]) -> None:
    """Insert new notices, skipping an id a concurrent ingest stored meanwhile.

    On PostgreSQL the batch goes as one INSERT ... SELECT FROM unnest(arrays): one statement with nine
    parameters (a column each, sent in binary) instead of psycopg's executemany, an INSERT per row, or a
    multi-row VALUES whose thousands of placeholders psycopg re-parses per statement (benchmarks/README.md,
    ingest). The
    payload is encoded by json.dumps as SQLAlchemy's JSON type does, so the stored text is the same.
    SQLite's executemany runs in-process and is kept.
    """
    if conn.dialect.name != "postgresql":
        conn.execute(_insert_new(conn), rows)
        return
    columns = ("id", "jurisdiction", "source", "kind", "published", "content_hash", "payload", "first_seen", "updated")
    arrays = {name: [row[name] for row in rows] for name in columns}
    arrays["payload"] = [json.dumps(payload) for payload in arrays["payload"]]
    # psycopg's own cursor on the transaction's connection, the arrays in binary (%b): the text format would
    # escape every quote of every payload through a regex.
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(_PG_INSERT, tuple(arrays[name] for name in columns))


# Types as migrations create them; ON CONFLICT as _insert_new's.
_PG_INSERT = (
    "INSERT INTO notices (id, jurisdiction, source, kind, published, content_hash, payload, first_seen, updated) "
    "SELECT * FROM unnest(%b::varchar[], %b::varchar[], %b::varchar[], %b::varchar[], %b::date[], "
    "%b::varchar[], %b::json[], %b::timestamptz[], %b::timestamptz[]) ON CONFLICT (id) DO NOTHING"
)


def _insert_new(conn: Connection) -> Any:
    """INSERT of new notices that skips an id a concurrent ingest stored meanwhile."""
    if conn.dialect.name == "postgresql":
        return pg_insert(t.notices).on_conflict_do_nothing(index_elements=["id"])
    if conn.dialect.name == "sqlite":
        return sqlite_insert(t.notices).on_conflict_do_nothing(index_elements=["id"])
    return insert(t.notices)


def _replaces_stored(conn: Connection, notice: Notice) -> bool:
    """Whether `notice` may replace the stored notice of its id (a stored one the model now refuses may)."""
    payload = conn.execute(select(t.notices.c.payload).where(t.notices.c.id == notice.id)).scalar_one()
    try:
        stored = Notice.model_validate(payload)
    except ValidationError:
        return True
    return notice.continues(stored)


def _notice_row(notice: Notice, digest: str, now: datetime) -> dict[str, object]:
    return {
        "id": str(notice.id),
        "jurisdiction": notice.jurisdiction,
        "source": notice.source,
        "kind": notice.kind.value,
        "published": notice.published,
        "content_hash": digest,
        "payload": notice.model_dump(mode="json", exclude_none=True),
        "first_seen": now,
        "updated": now,
    }


def _run_model(row: Row[Any]) -> Run:
    return Run(
        id=row.id,
        as_of=row.as_of,
        started=row.started,
        finished=row.finished,
        state=row.state,
        notices=row.notices,
        changes=row.changes,
        health=[SourceHealth.model_validate(h) for h in row.health],
    )
