"""The review operations, called alike by `regwatch review ...` (review/cli.py) and the web service (serve/).

Each takes the store and plain values and returns models; neither caller reimplements any of them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from regwatch.domain.models import Provision
from regwatch.domain.review import Decision, ReviewItem, parse_provision, review_queue
from regwatch.domain.status import fold_status
from regwatch.domain.vocab import Stage
from regwatch.errors import BadInput
from regwatch.normalise.classify import classify
from regwatch.pipeline import steps
from regwatch.store import Store


def queue(store: Store, day: date) -> list[ReviewItem]:
    """Readings waiting for a person on `day`, most consequential first."""
    actions = steps.normalise(store, day)
    rows = fold_status(actions, day, store.verified(day))
    return review_queue(actions, rows)


def decide(
    store: Store,
    notice: str,
    provisions: list[str],
    by: str,
    reason: str,
    *,
    stage: Stage | None = None,
    effective: date | None = None,
    now: datetime | None = None,
) -> Decision:
    """Record a decision replacing the rules' reading of `notice`; BadInput names a bad provision or notice."""
    try:
        parsed = [parse_provision(p) for p in provisions]
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    if not parsed:
        raise BadInput("provision: give at least one MEASURE[:SUBSTANCE,...], e.g. ban:kratom")
    before = reading(store, notice)
    decision = Decision(
        notice=notice,
        by=by,
        at=now or datetime.now(UTC),
        reason=reason,
        provisions=parsed,
        stage=stage,
        effective=effective,
        before=before,
        after=parsed,
    )
    store.add_decision(decision)
    return decision


def undo(store: Store, notice: str, by: str, reason: str, *, now: datetime | None = None) -> Decision:
    """Return `notice` to the rules' reading (a new entry; the earlier decision stays in the log)."""
    before = reading(store, notice)
    stored = store.notice(notice)
    assert stored is not None  # reading() checked it
    rules = classify(stored).provisions
    decision = Decision(notice=notice, by=by, at=now or datetime.now(UTC), reason=reason, before=before, after=rules)
    store.add_decision(decision)
    return decision


def log_entries(store: Store) -> list[dict[str, Any]]:
    """Every decision in the order made, as `regwatch review log --format json` prints them."""
    return [log_entry(d) for d in store.decisions()]


def log_entry(d: Decision) -> dict[str, Any]:
    return {
        "notice": d.notice,
        "by": d.by,
        "at": d.at.isoformat(),
        "reason": d.reason,
        "before": [p.model_dump(mode="json") for p in d.before],
        "after": [p.model_dump(mode="json") for p in d.after],
    }


def reading(store: Store, notice: str) -> list[Provision]:
    """The reading in force for a stored notice (its latest decision, else the rules'); BadInput if unknown."""
    stored = store.notice(notice)
    if stored is None:
        raise UnknownNotice(f"notice {notice!r} is not in the store (see `regwatch review list` for ids)")
    decided = [d for d in store.decisions() if d.notice == notice]
    return decided[-1].after if decided else classify(stored).provisions


class UnknownNotice(BadInput):
    """The notice named is not in the store (the web service answers 404)."""
