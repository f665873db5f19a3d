"""The outbox: one row per (subscriber, change), the ledger that makes every alert go out exactly once.

Row life: `queued` -> `sending` (claimed, with the Message-ID, before the SMTP transaction) -> `sent`;
or -> `failed` (the server refused the recipient for good), or back to `queued` (a transient error).

A crash between claiming and marking leaves rows in `sending`: whether the server took the message is
unknown. Those rows are resent with the SAME Message-ID and the same changes, never treated as sent:
a lost alert is worse than a duplicate, and mail clients and archives drop a second copy of a
Message-ID they already hold, so the subscriber still sees each change once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Text, and_, bindparam, cast, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from regwatch.domain.changes import most_severe_first
from regwatch.domain.models import Change
from regwatch.domain.vocab import Cadence, OutboxState, RunState
from regwatch.notify.filters import wants
from regwatch.notify.subscribers import Subscriber, subscribers_in
from regwatch.store import Store
from regwatch.store import tables as t

QUEUED, SENDING, SENT, FAILED = OutboxState.QUEUED, OutboxState.SENDING, OutboxState.SENT, OutboxState.FAILED
# A send holding rows longer than this has died: its SMTP work (connect, retries with backoff,
# timeouts of 30 s) ends well within it, so another send may take the rows over and resend them.
STALE_CLAIM = timedelta(minutes=10)


@dataclass(frozen=True)
class Pending:
    """Changes waiting for one subscriber, as one message: a fresh batch, an in-doubt resend, or a message
    another send holds right now (claimed less than STALE_CLAIM ago: left alone, retried from `retry_at`)."""

    subscriber: Subscriber
    changes: list[Change]
    message_id: str | None  # set: resend under this Message-ID, exactly these changes
    retry_at: datetime | None = None  # set: held by another send until then

    @property
    def held(self) -> bool:
        return self.retry_at is not None


def queue_alerts(store: Store, run_id: str) -> int:
    """Queue every change of a published run for each active subscriber it matches; the rows added.

    Keyed by (subscriber, change): queuing the same run again, or a re-run whose changes have the
    same ids, adds nothing. Publishing a run already queues its alerts (queue_changes, in the
    publishing transaction); this is for a run published by an older regwatch, and a harmless repeat.
    """
    run = store.run(run_id)
    if run is None or run.state is not RunState.PUBLISHED:
        raise LookupError(f"no published run {run_id!r} in the store: publish it before queuing alerts")
    changes = store.changes(run_id)
    with store.engine.begin() as conn:
        return queue_changes(conn, run_id, changes)


def queue_changes(conn: Connection, run_id: str, changes: list[Change]) -> int:
    """Queue `changes` of run `run_id` for each active subscriber they match, inside the caller's transaction.

    The transactional outbox: Store.publish_run calls this in the transaction that publishes the run,
    so a run is never published without its alerts. (Once published, the next run compares against
    it and finds no change: alerts queued only after the report would be lost for good if the report
    failed.)
    """
    now = datetime.now(UTC)
    wanted: list[dict[str, Any]] = [
        {
            "subscriber_id": sub.id,
            "change_id": change.id,
            "run_id": run_id,
            "state": QUEUED,
            "attempts": 0,
            "queued": now,
            "payload": change.model_dump(mode="json"),
        }
        for sub in subscribers_in(conn, active_only=True)
        for change in changes
        if wants(sub, change)
    ]
    if not wanted:
        return 0
    have = _existing(conn, {r["subscriber_id"] for r in wanted}, {r["change_id"] for r in wanted})
    fresh = [r for r in wanted if (r["subscriber_id"], r["change_id"]) not in have]
    for row in fresh:
        conn.execute(_insert_ignoring_duplicates(conn, row))
    return len(fresh)


def pending(store: Store, subscriber: Subscriber, now: datetime) -> list[Pending]:
    """What `subscriber` has not yet been sent: messages another send holds (to report, not to send), then
    in-doubt batches to resend, then one fresh batch."""
    return pending_for(store, [subscriber], now).get(subscriber.id, [])


def pending_for(store: Store, subscribers: list[Subscriber], now: datetime) -> dict[int | None, list[Pending]]:
    """`pending` for each of `subscribers`, by subscriber id, read in one query (subscribers with nothing
    waiting are left out). A change queued for many subscribers is read into one Change, shared."""
    by_id = {s.id: s for s in subscribers}
    o = t.outbox.c
    # The payload as its JSON text: 10,000 subscribers share a run's few hundred changes, so each
    # distinct text is decoded and validated once (_ChangeReader), and rows are read as they stream in.
    payload = cast(o.payload, Text).label("payload_text")
    query = select(o.subscriber_id, o.run_id, o.change_id, o.state, o.message_id, o.claimed, payload)
    query = query.where(o.state.in_([QUEUED, SENDING]))
    if len(by_id) <= _IN_LIST_MAX:
        query = query.where(o.subscriber_id.in_(list(by_id)))
    read = _ChangeReader(store)
    waiting: dict[int, list[tuple[str, datetime | None, str | None, Change]]] = {}
    with store.engine.connect() as conn:
        for row in conn.execute(query):
            if row.subscriber_id in by_id:
                entry = (row.state, _aware(row.claimed), row.message_id, read(row))
                waiting.setdefault(row.subscriber_id, []).append(entry)
    return {sub_id: _pending(by_id[sub_id], rows, now) for sub_id, rows in waiting.items()}


# More subscribers than this are read with the whole outbox's waiting rows, filtered here: SQLite
# refuses more than 32,766 parameters in one statement.
_IN_LIST_MAX = 5000


def _pending(
    subscriber: Subscriber, rows: list[tuple[str, datetime | None, str | None, Change]], now: datetime
) -> list[Pending]:
    batches: dict[str | None, list[Change]] = {}
    held: dict[str, tuple[datetime, list[Change]]] = {}
    for state, claimed, message_id, change in rows:
        if state == SENDING and claimed is not None and message_id is not None and now - claimed < STALE_CLAIM:
            # Another send is working on it right now, or died less than STALE_CLAIM ago.
            held.setdefault(message_id, (claimed + STALE_CLAIM, []))[1].append(change)
            continue
        batches.setdefault(message_id, []).append(change)
    holds = [Pending(subscriber, v, k, retry_at=at) for k, (at, v) in sorted(held.items())]
    resends = [Pending(subscriber, most_severe_first(v), k) for k, v in sorted(batches.items(), key=_by_id) if k]
    fresh = [Pending(subscriber, most_severe_first(batches[None]), None)] if batches.get(None) else []
    return holds + resends + fresh


class _ChangeReader:
    """Outbox rows (payload as JSON text) to Changes, each distinct queued payload decoded and validated
    once; rows from before migration 0002 have no payload and read the run's table."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.seen: dict[tuple[str, str], tuple[str, Change]] = {}

    def __call__(self, row: Any) -> Change:
        key = (row.run_id, row.change_id)
        known = self.seen.get(key)
        if known is not None and known[0] == row.payload_text:
            return known[1]
        payload = None if row.payload_text is None else json.loads(row.payload_text)
        change = _change(self.store, row.run_id, row.change_id, payload)
        self.seen[key] = (row.payload_text, change)
        return change


def claim(
    store: Store,
    subscriber_id: int,
    change_ids: Iterable[str],
    message_id: str,
    now: datetime,
    *,
    sent: str | None = None,
) -> bool:
    """Mark the rows `sending` under `message_id` before any SMTP traffic; False if another send took one.

    `sent`: the Message-ID of the previous message, which the server has accepted; its rows are
    marked sent in the same transaction (one commit per message instead of two), whatever the claim's
    outcome.
    """
    ids = list(change_ids)
    stale = now - STALE_CLAIM
    with store.engine.begin() as conn:
        if sent is not None:
            conn.execute(_mark_sent(sent, now))
        result = conn.execute(
            update(t.outbox)
            .where(
                t.outbox.c.subscriber_id == subscriber_id,
                t.outbox.c.change_id.in_(ids),
                (t.outbox.c.state == QUEUED) | and_(t.outbox.c.state == SENDING, t.outbox.c.claimed < stale),
            )
            .values(state=SENDING, message_id=message_id, claimed=now, attempts=t.outbox.c.attempts + 1)
        )
        if result.rowcount != len(ids):
            conn.rollback()  # a concurrent send claimed some of them: leave the whole batch to it
            claimed = False
        else:
            claimed = True
    if not claimed and sent is not None:
        mark_sent(store, sent, now)  # the rollback took the mark with it
    return claimed


@dataclass(frozen=True)
class Claim:
    """One message's rows to claim: `change_ids` of `subscriber_id`, under `message_id`."""

    subscriber_id: int
    change_ids: list[str]
    message_id: str


def claim_batch(store: Store, claims: list[Claim], now: datetime, *, sent: Iterable[str] = ()) -> list[bool]:
    """`claim` for many messages in one transaction (one commit for a batch of digests); per message,
    whether it was claimed. `sent`: Message-IDs the server accepted since the last batch, marked sent in
    the same transaction.

    A crash after this commit leaves the whole batch `sending`, each message resent under its own
    Message-ID by a later send (whether or not this one reached the server). Where another send took
    one message's rows meanwhile, the transaction is rolled back and the batch claimed message by message,
    as `claim` does, so that only that message is left to the other send.
    """
    done = list(sent)
    stale = now - STALE_CLAIM
    rows = [
        {"sid": c.subscriber_id, "cid": i, "mid": c.message_id, "stale": stale} for c in claims for i in c.change_ids
    ]
    with store.engine.begin() as conn:
        if done:
            conn.execute(_mark_sent(done, now))
        # One statement run for every row of the batch: each matches at most one row (the primary key),
        # so the batch is wholly claimed exactly when the count is the number of rows.
        if not rows or conn.execute(_CLAIM_ROW.values(claimed=now), rows).rowcount == len(rows):
            return [True] * len(claims)
        conn.rollback()
    if done:
        mark_sent(store, done, now)  # the rollback took the marks with it
    return [claim(store, c.subscriber_id, c.change_ids, c.message_id, now) for c in claims]


# Claims one (subscriber, change) row for a message, if it is queued or its claim is stale.
_CLAIM_ROW = (
    update(t.outbox)
    .where(
        t.outbox.c.subscriber_id == bindparam("sid"),
        t.outbox.c.change_id == bindparam("cid"),
        (t.outbox.c.state == QUEUED) | and_(t.outbox.c.state == SENDING, t.outbox.c.claimed < bindparam("stale")),
    )
    .values(state=SENDING, message_id=bindparam("mid"), attempts=t.outbox.c.attempts + 1)
)


def mark_sent(store: Store, message_ids: str | Iterable[str], now: datetime) -> None:
    """The server accepted the message(s): their rows are done."""
    with store.engine.begin() as conn:
        conn.execute(_mark_sent(message_ids, now))


def mark_failed(store: Store, message_id: str, error: str) -> None:
    """The server refused the recipient for good (5xx): recorded, never retried."""
    _set(store, message_id, state=FAILED, last_error=error[:2000])


def release(store: Store, message_id: str, error: str, *, delivered_maybe: bool) -> None:
    """A transient failure: back to `queued` for the next send.

    When the server may have taken the message (the connection dropped after DATA), the rows keep
    their Message-ID so the next send repeats that exact message; when it surely did not, they lose
    it and join the subscriber's next digest.
    """
    values: dict[str, Any] = {"state": QUEUED, "last_error": error[:2000], "claimed": None}
    if not delivered_maybe:
        values["message_id"] = None
    _set(store, message_id, **values)


def outbox_rows(store: Store) -> list[dict[str, Any]]:
    """Every outbox row without its payload, for reports and tests."""
    columns = [c for c in t.outbox.c if c.name != "payload"]
    query = select(*columns, t.subscribers.c.email).join(t.subscribers, t.subscribers.c.id == t.outbox.c.subscriber_id)
    with store.engine.connect() as conn:
        ordered = query.order_by(t.subscribers.c.email, t.outbox.c.change_id)
        return [dict(r) for r in conn.execute(ordered).mappings()]


def _mark_sent(message_ids: str | Iterable[str], now: datetime) -> Any:
    """The UPDATE that records the rows claimed under `message_ids` (one or many) as sent."""
    ids = [message_ids] if isinstance(message_ids, str) else list(message_ids)
    return (
        update(t.outbox)
        .where(t.outbox.c.message_id.in_(ids), t.outbox.c.state == SENDING)
        .values(state=SENT, sent=now, last_error=None)
    )


def _set(store: Store, claimed_as: str, /, **values: Any) -> None:
    """Update the rows a send claimed under the Message-ID `claimed_as`."""
    with store.engine.begin() as conn:
        conn.execute(
            update(t.outbox).where(t.outbox.c.message_id == claimed_as, t.outbox.c.state == SENDING).values(**values)
        )


def _existing(conn: Connection, subscriber_ids: set[Any], change_ids: set[str]) -> set[tuple[int, str]]:
    query = select(t.outbox.c.subscriber_id, t.outbox.c.change_id).where(
        t.outbox.c.subscriber_id.in_(subscriber_ids), t.outbox.c.change_id.in_(change_ids)
    )
    return {(r.subscriber_id, r.change_id) for r in conn.execute(query)}


def _insert_ignoring_duplicates(conn: Connection, row: dict[str, Any]) -> Any:
    """An INSERT that a concurrent queue of the same run cannot turn into a unique-key error."""
    keys = ["subscriber_id", "change_id"]
    if conn.dialect.name == "postgresql":
        return pg_insert(t.outbox).values(**row).on_conflict_do_nothing(index_elements=keys)
    if conn.dialect.name == "sqlite":
        return sqlite_insert(t.outbox).values(**row).on_conflict_do_nothing(index_elements=keys)
    return insert(t.outbox).values(**row)


def _change(store: Store, run_id: str, change_id: str, payload: Any) -> Change:
    """The change as queued; rows from before migration 0002 have no payload and read the run's table."""
    if payload is not None:
        return Change.model_validate(payload)
    found = {c.id: c for c in store.changes(run_id)}
    if change_id not in found:
        raise LookupError(f"outbox row for change {change_id} of run {run_id}: the change is gone")
    return found[change_id]


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without their zone; they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _by_id(item: tuple[str | None, list[Change]]) -> str:
    return item[0] or ""


def last_sent(store: Store, cadence: Cadence) -> datetime | None:
    """When the outbox last delivered to a subscriber of `cadence`."""
    query = (
        select(func.max(t.outbox.c.sent))
        .join(t.subscribers, t.subscribers.c.id == t.outbox.c.subscriber_id)
        .where(t.subscribers.c.cadence == cadence.value, t.outbox.c.state == SENT)
    )
    with store.engine.connect() as conn:
        sent: datetime | None = conn.execute(query).scalar()
    return sent
