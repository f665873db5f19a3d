"""Stored readings: each notice is classified once per version of the rules, and read back per place.

Classifying is most of a build (benchmarks/README.md), and a notice's reading depends only on the notice
and the rules. So a run first classifies the visible notices that have no reading valid for their content
and the rules' fingerprint (regwatch.normalise.fingerprint: a change of the rules makes every reading
stale at once) and stores those readings, chunk by chunk, each chunk one transaction; then it reads them
back. Analysts' decisions are never stored in a reading: they are applied as the readings are read, as
before. A crash loses at most the chunk being classified: every stored reading is valid on its own.

The fold reads the readings one jurisdiction at a time (`places`) and holds in full only those that can
move the table. A reading with no decision that sets no status (and withdraws nothing, and is no baseline
fact), or is `quiet` (it sets a status in words but no step of its life is a proposal or in force), or is
idle on the date (`Readings._moves`: neither in force nor a live proposal then) touches nothing but the
place's `last_verified` and news, unless it joins an event that may move the table (regwatch.pipeline.joins:
the act a report joins, or an event by key with a reading held or one that sets a status). It is kept as its
source and retrieval day, and its brief is never held past its row.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import Any, NamedTuple

from pydantic import ValidationError

from regwatch.bulk import paused_gc
from regwatch.domain.changes import is_news
from regwatch.domain.events import event_keys, merge
from regwatch.domain.models import Action, Notice
from regwatch.domain.review import Decision, apply_decisions, latest_decisions
from regwatch.domain.status import BASELINE, STALE_PROPOSAL, sets_status
from regwatch.domain.vocab import IN_FORCE_STAGES, PROPOSAL_STAGES, Measure
from regwatch.errors import explain
from regwatch.normalise import classify
from regwatch.normalise.fingerprint import rules_fingerprint
from regwatch.pipeline import joins
from regwatch.store import Store

log = logging.getLogger(__name__)

# Notices read into the store per transaction when classifying: bounded memory, and little lost to a crash.
CHUNK = 1000
# The sources whose notices are read at every date: the baseline's undated facts (Store.notices).
EVERY_DATE = (BASELINE,)
# The stages at which a reading can set a status or be pending by itself (regwatch.domain.status).
MOVING_STAGES = (*PROPOSAL_STAGES, *IN_FORCE_STAGES)
_IN_FORCE = {stage.value for stage in IN_FORCE_STAGES}
_PROPOSED = {stage.value for stage in PROPOSAL_STAGES}


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
            if len(batch) < CHUNK:
                break  # the query found every unread notice after `after`: asking again would scan the store again
    return count


def is_active(action: Action) -> bool:
    """Whether a reading (before decisions) can move the table by itself: see the module's docstring."""
    return (
        (sets_status(action) and not quiet(action)) or action.measure is Measure.WITHDRAW or action.source == BASELINE
    )


def quiet(action: Action) -> bool:
    """Whether a reading never sets a status or is pending by itself, on any date: no step of its life is a
    proposal or in force (a press release that tells of a law, a notice that only publishes), and it is no
    report and no undated fact. It can still join an event: by a shared key, or as the official act a report
    of its place joins (events._groups), which the brief's status pairs (`o`) let the fold tell."""
    return not action.undated and not action.reported and not any(e.stage in MOVING_STAGES for e in action.history)


def brief(action: Action) -> str:
    """What the fold needs of a reading it may leave out, as JSON: event keys, source, retrieval day, dates, news,
    the (status, substance) pairs a report would match it by (events.status_pairs; only when there are some),
    and for an active reading whether it can idle (`idles`) and its stages (`h`), which tell on which dates."""
    said: dict[str, Any] = {
        "k": sorted(event_keys(action)),
        "s": action.source,
        "r": action.retrieved.date().isoformat() if action.retrieved else None,
        "p": action.published.isoformat(),
        "u": action.undated,
        "n": is_news(action),
    }
    if sets_status(action):
        said["o"] = joins.pair_names(action)
    if is_active(action) and idles(action):
        said["q"] = True
        said["h"] = [[e.date.isoformat(), e.stage.value] for e in action.history]
    return json.dumps(said, separators=(",", ":"))


def idles(action: Action) -> bool:
    """Whether a reading moves the table only while it is in force or a live proposal (regwatch.domain.status),
    so that on any other date it is an event of its own like a quiet one: no baseline fact (the fold reads
    those whatever their stage), no report (a report joins its act), no withdrawal, no undated fact."""
    return not (action.undated or action.reported or action.source == BASELINE or action.measure is Measure.WITHDRAW)


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
    actions: list[Action]  # readings that can move the table, decisions applied, in the store's order
    keys: dict[str, set[str]]  # their event keys (events.event_keys), by notice
    seen: set[tuple[str, date | None]]  # (source, day retrieved) of the visible readings left out
    news: list[str]  # notices reported as news (is_news), of every reading of the place
    count: int  # readings of the place
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # left-out events of several notices, by member


class _Waiting(NamedTuple):
    """A left-out reading that may yet be read whole: it has event keys, or a report may join it."""

    position: int  # in the store's order of the place
    keys: tuple[str, ...]
    published: date
    pairs: tuple[str, ...]  # its brief's `o`: "status:substance" a report would match it by
    sets: bool  # a provision sets a status (quiet or idle): an event it joins may move the table
    news: bool
    seen: tuple[str, date | None] | None  # (source, day retrieved) when visible


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
        self._days: dict[str, date] = {}  # ISO day -> date: briefs repeat a few thousand days
        self.today = self.as_of.isoformat()  # ISO days compare as the days do

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

    def _moves(self, said: dict[str, Any]) -> bool:
        """Whether an active reading can move the table on the date: unless its brief shows an idle reading (`q`)
        whose life (`h`) is neither in force nor a live proposal then (a failed or vetoed bill, a stale one)."""
        if not said.get("q") or "h" not in said:
            return True  # a baseline fact, a report, a withdrawal, an undated fact, or a brief of before round 4
        stage, last = None, None
        for day, name in said["h"]:  # in date order, as Action.stage_on reads it
            if day > self.today:
                break
            stage, last = name, day
        if stage in _IN_FORCE:
            return True
        return stage in _PROPOSED and self.as_of - self._day(str(last)) <= STALE_PROPOSAL

    def _day(self, text: str) -> date:
        day = self._days.get(text)
        if day is None:
            day = self._days[text] = date.fromisoformat(text)
        return day

    def _place(self, code: str, rows: Iterable[Any]) -> Place:
        # One pass over the place's rows: a reading is held whole (in `held`, by its position in the store's
        # order), or waits (keyed or quiet: it may yet be read whole), or is left out at once, its brief dropped.
        held: dict[str, tuple[int, Action | None]] = {}  # None: decided, inactive, payload not read yet
        waiting: dict[str, _Waiting] = {}
        keys: dict[str, set[str]] = {}  # event keys of the readings held
        seen: set[tuple[str, date | None]] = set()
        news: list[str] = []
        position = -1
        for position, row in enumerate(rows):
            said = json.loads(row.brief)
            decision = self.decided.get(row.id)
            if decision is not None or (row.active and self._moves(said)):
                action = Action.model_validate_json(row.payload) if row.payload is not None else None
                if decision is None:
                    keys[row.id] = set(said["k"])
                held[row.id] = (position, action)
                continue
            visible = said["u"] or self._day(said["p"]) <= self.as_of
            source_day = (said["s"], self._day(said["r"]) if said["r"] else None) if visible else None
            if said["k"] or "o" in said:
                pairs = tuple(said.get("o", ()))
                sets = row.active or "o" in said
                waiting[row.id] = _Waiting(
                    position, tuple(said["k"]), self._day(said["p"]), pairs, sets, said["n"], source_day
                )
                continue
            if source_day is not None:
                seen.add(source_day)
            if said["n"]:
                news.append(row.id)
        unread = [i for i, (_, a) in held.items() if a is None]  # decided, inactive
        found = self.store.reading_payloads(self.rules, unread) if unread else {}
        for notice, decision in self.decided.items():
            if notice in held:
                # A decision may re-date a bill (and so its key): its event keys are read from the decided reading.
                at, action = held[notice]
                [decided] = apply_decisions([action or Action.model_validate_json(found[notice])], [decision])
                held[notice] = (at, decided)
                keys[notice] = event_keys(decided)
        # A waiting reading is read whole when a report of the place joins it (events._groups, joins.joined), or
        # when it shares an event key with such a one, with a reading held, or with one that sets a status (their
        # event takes every member's stages). Visible waiting readings none of which sets a status and that share
        # keys only among themselves make an event that moves nothing: they stay out, and the diff reads them
        # together if it asks for one (`groups`, Lookup).
        joined = joins.joined(
            (a for _, a in held.values() if a is not None),
            keys,
            ((i, w.published, w.pairs) for i, w in waiting.items() if w.pairs and w.seen is not None),
            self.as_of,
        )
        keyed = [(i, w.keys, w.sets) for i, w in waiting.items() if w.keys and w.seen is not None]
        whole, groups = joins.by_keys(keys, keyed, joined)
        whole |= joined
        found = self.store.reading_payloads(self.rules, whole) if whole else {}
        for notice in whole:
            w = waiting.pop(notice)
            held[notice] = (w.position, Action.model_validate_json(found[notice]))
            keys[notice] = set(w.keys)
        for notice, w in waiting.items():
            if w.seen is not None:
                seen.add(w.seen)
            if w.news:
                news.append(notice)
        actions = [a for _, a in sorted(held.values(), key=lambda item: item[0]) if a is not None]
        news += [a.notice for a in actions if is_news(a)]
        return Place(code=code, actions=actions, keys=keys, seen=seen, news=news, count=position + 1, groups=groups)


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
        members = self.place.groups.get(key, (key,))
        read = self.readings.get(members)
        found = read.get(key)
        if found is None:
            self.missing.add(key)
            return default
        if found.jurisdiction != self.place.code:
            self[key] = found
            return found
        # A visible reading of this place that the place does not hold was left out: an event of its own, or of
        # the left-out readings it shares keys with, as the fold would have made it (every held reading is given).
        event = merge([read[m] for m in members if m in read])
        self.update(dict.fromkeys(event.members, event))
        return event
