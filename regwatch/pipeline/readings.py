"""Stored readings: each notice is classified once per version of the rules, and read back per place.

Classifying is most of a build (benchmarks/README.md), and a notice's reading depends only on the notice
and the rules. So a run first classifies the visible notices that have no reading valid for their content
and the rules' fingerprint (regwatch.normalise.fingerprint: a change of the rules makes every reading
stale at once) and stores those readings, chunk by chunk, each chunk one transaction; then it reads them
back. Analysts' decisions are never stored in a reading: they are applied as the readings are read, as
before. A crash loses at most the chunk being classified: every stored reading is valid on its own.

The fold reads the readings one jurisdiction at a time (`places`) and holds in full only those that can
move the table: a reading none of whose provisions sets a status, that withdraws nothing, is no baseline
fact, has no decision and shares no event key with another notice of its place is an event of its own
that touches nothing but the place's `last_verified`; it is kept as its source and retrieval day.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import Any

from pydantic import ValidationError

from regwatch.bulk import paused_gc
from regwatch.domain.changes import is_news
from regwatch.domain.events import event_keys, merge
from regwatch.domain.models import Action, Notice
from regwatch.domain.review import Decision, apply_decisions, latest_decisions
from regwatch.domain.status import BASELINE, sets_status
from regwatch.domain.vocab import Measure
from regwatch.errors import explain
from regwatch.normalise import classify
from regwatch.normalise.fingerprint import rules_fingerprint
from regwatch.store import Store

log = logging.getLogger(__name__)

# Notices read into the store per transaction when classifying: bounded memory, and little lost to a crash.
CHUNK = 1000
# The sources whose notices are read at every date: the baseline's undated facts (Store.notices).
EVERY_DATE = (BASELINE,)


def refresh(store: Store, as_of: date) -> int:
    """Classify and store every notice visible on `as_of` that has no valid reading; the number classified.

    A stored notice today's model refuses is logged and skipped (it gets no reading), as `Store.notices` does.
    """
    rules = rules_fingerprint()
    after, count = "", 0
    with paused_gc():
        while batch := store.unread_notices(rules, as_of, EVERY_DATE, after=after, limit=CHUNK):
            after = batch[-1][0]
            readings = []
            for notice_id, digest, payload in batch:
                try:
                    notice = Notice.model_validate(payload)
                except ValidationError as exc:
                    log.warning("stored notice %s skipped: %s", notice_id, explain(exc))
                    continue
                action = classify(notice)
                readings.append((notice_id, digest, is_active(action), brief(action), action.model_dump_json()))
            store.save_readings(rules, readings)
            count += len(readings)
    return count


def is_active(action: Action) -> bool:
    """Whether a reading (before decisions) can move the table by itself: see the module's docstring."""
    return sets_status(action) or action.measure is Measure.WITHDRAW or action.source == BASELINE


def brief(action: Action) -> str:
    """What the fold needs of an inactive reading, as JSON: event keys, source, retrieval day, dates, news."""
    return json.dumps(
        {
            "k": sorted(event_keys(action)),
            "s": action.source,
            "r": action.retrieved.date().isoformat() if action.retrieved else None,
            "p": action.published.isoformat(),
            "u": action.undated,
            "n": is_news(action),
        },
        separators=(",", ":"),
    )


def all_readings(store: Store, as_of: date, decisions: Iterable[Decision]) -> list[Action]:
    """Every visible notice's reading, in id order, with the decisions in force applied (after `refresh`)."""
    rules = rules_fingerprint()
    with paused_gc():
        actions = [Action.model_validate_json(row.payload) for row in store.readings(rules, as_of, EVERY_DATE)]
    return apply_decisions(actions, decisions)


@dataclass
class Place:
    """One jurisdiction's readings as the fold needs them."""

    code: str
    actions: list[Action]  # readings that can move the table, decisions applied, in id order
    keys: dict[str, set[str]]  # their event keys (events.event_keys), by notice
    seen: set[tuple[str, date | None]]  # (source, day retrieved) of the visible readings left out
    left_out: set[str]  # their notice ids
    news: list[str]  # notices reported as news (is_news), of every reading of the place
    count: int  # readings of the place


@dataclass
class Readings:
    """Per-place reading of the stored readings (`places`), and any one reading again by id (`get`)."""

    store: Store
    as_of: date
    decisions: list[Decision]
    rules: str = field(default_factory=rules_fingerprint)

    def __post_init__(self) -> None:
        in_force = latest_decisions(self.decisions)
        self.decided = {n: d for n, d in in_force.items() if d.provisions is not None}

    def places(self) -> Iterator[Place]:
        """Each jurisdiction with a visible reading, in the store's order of jurisdictions."""
        rows = self.store.readings(self.rules, self.as_of, EVERY_DATE, by_place=True, whole=False)
        for code, group in groupby(rows, key=lambda row: row.jurisdiction):
            yield self._place(code, group)

    def get(self, ids: Iterable[str]) -> dict[str, Action]:
        """The readings of `ids` (those visible on the date), decisions applied."""
        payloads = self.store.reading_payloads(self.rules, ids)
        actions = [Action.model_validate_json(p) for p in payloads.values()]
        visible = [a for a in actions if a.published <= self.as_of or a.source in EVERY_DATE]
        return {a.notice: a for a in apply_decisions(visible, self.decisions)}

    def _place(self, code: str, rows: Iterable[Any]) -> Place:
        held: dict[str, Action | None] = {}  # every reading of the place, in the store's order; None: not read yet
        briefs: dict[str, dict[str, Any]] = {}  # the inactive ones, left out unless they share an event key
        keys: dict[str, set[str]] = {}  # event keys of the readings read whole
        counts: Counter[str] = Counter()
        for row in rows:
            said = json.loads(row.brief)
            decision = self.decided.get(row.id)
            if row.active or decision is not None:
                action = Action.model_validate_json(row.payload) if row.payload is not None else None
                if decision is None:
                    keys[row.id] = set(said["k"])
                    counts.update(said["k"])
                held[row.id] = action
            else:
                counts.update(said["k"])
                briefs[row.id] = said
                held[row.id] = None
        unread = [i for i, a in held.items() if a is None and i not in briefs]  # decided, inactive
        found = self.store.reading_payloads(self.rules, unread) if unread else {}
        for notice, decision in self.decided.items():
            if notice in held and notice not in briefs:
                # A decision may re-date a bill (and so its key): its event keys are read from the decided reading.
                [decided] = apply_decisions([held[notice] or Action.model_validate_json(found[notice])], [decision])
                held[notice] = decided
                keys[notice] = event_keys(decided)
                counts.update(keys[notice])
        # An inactive reading that shares an event key may join another notice's event: read it whole.
        shared = [i for i, said in briefs.items() if any(counts[k] > 1 for k in said["k"])]
        found = self.store.reading_payloads(self.rules, shared) if shared else {}
        for notice in shared:
            said = briefs.pop(notice)
            held[notice] = Action.model_validate_json(found[notice])
            keys[notice] = set(said["k"])
        actions = [a for i, a in held.items() if i not in briefs and a is not None]
        news = [i for i, said in briefs.items() if said["n"]] + [a.notice for a in actions if is_news(a)]
        seen = {
            (said["s"], date.fromisoformat(said["r"]) if said["r"] else None)
            for said in briefs.values()
            if said["u"] or date.fromisoformat(said["p"]) <= self.as_of
        }
        return Place(code=code, actions=actions, keys=keys, seen=seen, left_out=set(briefs), news=news, count=len(held))


class Lookup(dict[str, Action]):
    """Notice id -> its event or reading, for the diff of one place: the place's own are given; any other
    notice (a previous row may name one the place no longer holds) is read from the store when asked for."""

    def __init__(self, readings: Readings, place: Place) -> None:
        super().__init__()
        self.readings = readings
        self.place = place
        self.missing: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        if key in self.missing:
            return default
        found = self.readings.get([key]).get(key)
        if found is None:
            self.missing.add(key)
            return default
        # A left-out reading of this place is an event of its own, as the fold would have made it.
        self[key] = merge([found]) if key in self.place.left_out else found
        return self[key]
