"""Subscribers: who wants which alerts (jurisdictions, substances, minimum severity) and how often."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import yaml
from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Connection, delete, insert, select, update

from regwatch.domain import jurisdictions, places
from regwatch.domain.models import Change, StatusRow
from regwatch.domain.vocab import Cadence, ChangeKind, OutboxState, RunState, Severity, Status, Substance
from regwatch.errors import explain
from regwatch.notify import channels
from regwatch.store import Store
from regwatch.store import tables as t


class BadSubscriber(ValueError):
    """A subscriber entry that cannot be stored; the message names the entry and what was expected."""


def normalise_email(address: str) -> str:
    """The address in normal form (domain lower-cased), or BadSubscriber naming it."""
    try:
        # No DNS lookups: subscribers are added offline and by scripts; a dead domain bounces later.
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise BadSubscriber(f"{address!r} is not an email address: {exc}") from None


# What a subscriber's jurisdiction filter means, for `subscribers add --help` and the README.
GROUPS_HELP = (
    "A code (US-FL, TH, US-CA:san-diego) or name (Florida), in any case. A nation's code is the whole nation: "
    "US is US federal plus every state, territory and locality (so the DEA's and FDA's actions too); "
    "US-* is the states and territories only, without federal actions; TH is Thailand and its provinces."
)


def jurisdiction_pattern(code: str) -> str:
    """A jurisdiction filter typed by hand: a code or name in any case (us-fl, Florida) or a group such as US-*."""
    return places.resolve_pattern(code, "")


def covers(pattern: str, code: str) -> bool:
    """Whether a subscriber's filter takes a change in `code`: a nation (US, TH) takes the nation and everything
    in it; US-* every subdivision and locality of the US but not US federal; a state its localities too."""
    if "-" not in pattern and ":" not in pattern:
        return jurisdictions.country_of(code) == pattern
    return jurisdictions.matches(pattern, code)


def normalise_address(address: str) -> str:
    """An email address in normal form, or a chat or webhook channel URL (regwatch.notify.channels)."""
    if channels.is_channel(address):
        try:
            return channels.normalise_url(address)
        except ValueError as exc:
            raise BadSubscriber(f"email: {exc}") from None
    return normalise_email(address)


Email = Annotated[str, AfterValidator(normalise_address)]
Pattern = Annotated[str, AfterValidator(jurisdiction_pattern)]


class Subscriber(BaseModel):
    """One subscriber and their filters. Empty jurisdictions or substances mean all of them."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    jurisdictions: list[Pattern] = Field(default_factory=list)
    substances: list[Substance] = Field(default_factory=list)
    min_severity: Severity = Severity.LOW
    cadence: Cadence = Cadence.DAILY
    id: int | None = None
    token: str | None = Field(default=None, description="the unsubscribe token; made when first stored")
    active: bool = True


def make_subscriber(**fields: Any) -> Subscriber:
    """A Subscriber from loose input, or BadSubscriber with every problem in one message."""
    address = fields.get("email")
    if isinstance(address, str) and channels.is_channel(address):
        # Checked first, outside pydantic, whose message would quote the URL and the secrets it holds.
        fields = {**fields, "email": f"{normalise_address(address)}"}
    try:
        return Subscriber.model_validate(fields)
    except ValidationError as exc:
        raise BadSubscriber(explain(exc, "entry")) from None


def upsert(store: Store, subscribers: Iterable[Subscriber], now: datetime | None = None) -> tuple[int, int]:
    """Add new subscribers and update the filters of known ones, in one transaction: (added, updated).

    A known subscriber keeps their token and their `active` flag: an unsubscribe clicked in a mail
    is not undone by re-importing the same list.
    """
    now = now or datetime.now(UTC)
    added = updated = 0
    with store.engine.begin() as conn:
        for sub in subscribers:
            values = {
                "jurisdictions": list(dict.fromkeys(sub.jurisdictions)),
                "substances": [s.value for s in dict.fromkeys(sub.substances)],
                "min_severity": sub.min_severity.value,
                "cadence": sub.cadence.value,
            }
            known = conn.execute(select(t.subscribers.c.id).where(t.subscribers.c.email == sub.email)).scalar()
            if known is None:
                token = secrets.token_urlsafe(32)  # 43 characters: unguessable, fits the 64-wide column
                conn.execute(
                    insert(t.subscribers).values(email=sub.email, token=token, created=now, active=True, **values)
                )
                _queue_welcome(conn, sub, now)
                added += 1
            else:
                conn.execute(update(t.subscribers).where(t.subscribers.c.id == known).values(**values))
                updated += 1
    return added, updated


STRICTEST_FIRST = (Status.BANNED, Status.RESTRICTED, Status.REGULATED, Status.LEGAL, Status.UNKNOWN)
WELCOME_ID = "welcome"  # the welcome's change id in the outbox: one per subscriber, so it is sent once
WELCOME_LINES = 40  # a short section: beyond this many cells, the digest points to the report


def welcome(sub: Subscriber, rows: list[StatusRow], run_id: str, as_of: str) -> Change | None:
    """The current status for `sub`'s filters on the latest published run, as the outbox carries it (a change of
    kind welcome, its lines in `explanation`); None where no cell passes the filters."""
    chosen = [
        r
        for r in rows
        if (not sub.jurisdictions or any(covers(p, r.jurisdiction) for p in sub.jurisdictions))
        and (not sub.substances or r.substance in sub.substances)
    ]
    if not chosen:
        return None
    lines = [_cell_line(r) for r in chosen[:WELCOME_LINES]]
    if len(chosen) > WELCOME_LINES:
        lines.append(f"... and {len(chosen) - WELCOME_LINES} more cells: see the report or `regwatch status`")
    counts = Counter(r.status for r in chosen)
    tally = ", ".join(f"{counts[status]} {status.value}" for status in STRICTEST_FIRST if counts[status])
    return Change(
        id=WELCOME_ID,
        run=run_id,
        kind=ChangeKind.WELCOME,
        severity=Severity.LOW,
        summary=f"Current status for your filters as of {as_of}: {tally}",
        explanation="\n".join(lines),
    )


def _cell_line(row: StatusRow) -> str:
    """ "Alabama (US-AL), kratom: banned since 2016-05-10; pending: ban (introduced)" """
    since = f" since {row.since.isoformat()}" if row.since else ""
    line = f"{jurisdictions.label(row.jurisdiction)}, {row.substance.value}: {row.status.value}{since}"
    if row.scheduled:
        line += "; scheduled: " + ", ".join(f"{s.status.value} from {s.effective}" for s in row.scheduled)
    if row.pending:
        line += "; pending: " + ", ".join(f"{p.measure.value} ({p.stage.value})" for p in row.pending)
    return line


def _queue_welcome(conn: Connection, sub: Subscriber, now: datetime) -> None:
    """Queue a new subscriber's welcome for their next digest, from the latest published run (none before the first
    run). Keyed (subscriber, "welcome") in the outbox like any change, so it is sent exactly once."""
    run = conn.execute(
        select(t.runs.c.id, t.runs.c.as_of)
        .where(t.runs.c.state == RunState.PUBLISHED.value)
        .order_by(t.runs.c.as_of.desc())
        .limit(1)
    ).first()
    sub_id = conn.execute(select(t.subscribers.c.id).where(t.subscribers.c.email == sub.email)).scalar()
    if run is None or sub_id is None:
        return
    payloads = conn.execute(
        select(t.status_rows.c.payload)
        .where(t.status_rows.c.run_id == run.id)
        .order_by(t.status_rows.c.jurisdiction, t.status_rows.c.substance)
    )
    rows = [StatusRow.model_validate(p) for (p,) in payloads]
    change = welcome(sub, rows, str(run.id), str(run.as_of)[:10])
    if change is None:
        return
    conn.execute(
        insert(t.outbox).values(
            subscriber_id=sub_id,
            change_id=WELCOME_ID,
            run_id=run.id,
            state=OutboxState.QUEUED,
            attempts=0,
            queued=now,
            payload=change.model_dump(mode="json"),
        )
    )


def all_subscribers(store: Store, cadence: Cadence | None = None, active_only: bool = False) -> list[Subscriber]:
    """Stored subscribers by email, optionally of one cadence and only the active ones."""
    with store.engine.connect() as conn:
        return subscribers_in(conn, cadence, active_only)


def subscribers_in(conn: Connection, cadence: Cadence | None = None, active_only: bool = False) -> list[Subscriber]:
    """all_subscribers, read inside a transaction the caller holds (publishing a run queues its alerts)."""
    query = select(t.subscribers).order_by(t.subscribers.c.email)
    if cadence is not None:
        query = query.where(t.subscribers.c.cadence == cadence.value)
    if active_only:
        query = query.where(t.subscribers.c.active.is_(True))
    return [_model(row) for row in conn.execute(query)]


def remove(store: Store, email: str) -> bool:
    """Delete a subscriber and their outbox rows; False when no such subscriber."""
    address = normalise_address(email)
    with store.engine.begin() as conn:
        sub_id = conn.execute(select(t.subscribers.c.id).where(t.subscribers.c.email == address)).scalar()
        if sub_id is None:
            return False
        conn.execute(delete(t.outbox).where(t.outbox.c.subscriber_id == sub_id))
        conn.execute(delete(t.subscribers).where(t.subscribers.c.id == sub_id))
    return True


def subscriber_by_id(store: Store, sub_id: int | None, *, token: str | None = None) -> Subscriber | None:
    """The stored subscriber with this id (or, given `token`, this stored unsubscribe token), or None."""
    query = select(t.subscribers)
    query = (
        query.where(t.subscribers.c.token == token) if token is not None else query.where(t.subscribers.c.id == sub_id)
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return _model(row) if row is not None else None


def unsubscribe(store: Store, token: str) -> str | None:
    """One-click unsubscribe: deactivate the token's subscriber, drop their unsent alerts; their email."""
    with store.engine.begin() as conn:
        row = conn.execute(select(t.subscribers).where(t.subscribers.c.token == token)).first()
        if row is None:
            return None
        conn.execute(update(t.subscribers).where(t.subscribers.c.id == row.id).values(active=False))
        conn.execute(delete(t.outbox).where(t.outbox.c.subscriber_id == row.id, t.outbox.c.state == OutboxState.QUEUED))
    return str(row.email)


def read_yaml(path: Path) -> list[Subscriber]:
    """Every subscriber in a YAML list, or BadSubscriber naming each bad entry (nothing is returned)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BadSubscriber(f"{path}: cannot be read as YAML: {exc}") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise BadSubscriber(f"{path}: expected a list of subscribers, got {type(data).__name__}")
    found: list[Subscriber] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(data, start=1):
        label = f"{path}: entry {number}"
        if not isinstance(entry, dict):
            problems.append(f"{label}: expected a mapping with at least `email`, got {type(entry).__name__}")
            continue
        label += f" ({channels.label(str(entry.get('email', 'no email')))})"
        try:
            sub = make_subscriber(**entry)
        except BadSubscriber as exc:
            problems.append(f"{label}: {exc}")
            continue
        if sub.email in seen:
            problems.append(f"{label}: the same address as entry {seen[sub.email]}")
            continue
        seen[sub.email] = number
        found.append(sub)
    if problems:
        raise BadSubscriber("\n".join(problems))
    return found


def _model(row: Any) -> Subscriber:
    return Subscriber(
        id=row.id,
        email=row.email,
        jurisdictions=row.jurisdictions,
        substances=row.substances,
        min_severity=row.min_severity,
        cadence=row.cadence,
        token=row.token,
        active=row.active,
    )
