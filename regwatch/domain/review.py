"""Analyst review: decisions that replace the rules' reading of a notice, and the queue of readings to check.

A decision is an input like a notice: stored (append-only), replayable, and applied to the rules'
readings before the fold, so the table stays a pure function of notices, decisions and the date. The
latest decision on a notice wins; an undo (a decision with no provisions) returns to the rules' reading.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from pydantic import Field

from regwatch.domain.models import Action, Provision, StageEvent, StatusRow, Strict, Text, principal
from regwatch.domain.vocab import (
    IN_FORCE_STAGES,
    STATUS_MEASURES,
    STATUS_STRICTNESS,
    Measure,
    Reliability,
    ReviewReason,
    Stage,
    Substance,
)

# Below this, a reading is a guess a person should check (rules state how often each is right).
LOW_CONFIDENCE = 0.6


class Decision(Strict):
    """One analyst decision on one notice, as recorded; never changed afterwards (a new one replaces it)."""

    notice: str = Field(min_length=1)
    by: Text = Field(min_length=1)
    at: datetime
    reason: Text = Field(min_length=1)
    provisions: list[Provision] | None = Field(default=None, description="None: undo, back to the rules' reading")
    before: list[Provision] = Field(default_factory=list, description="the reading in force when it was made")
    after: list[Provision] = Field(default_factory=list, description="the reading it left (the rules' on an undo)")
    stage: Stage | None = None
    effective: date | None = None


class ReviewItem(Strict):
    """A reading waiting for a person: why, and what the rules made of it."""

    notice: str
    jurisdiction: str
    title: str
    reason: ReviewReason
    measure: Measure
    confidence: float


def parse_provision(text: str) -> Provision:
    """`MEASURE[:SUBSTANCE,...]` as an analyst types it: `ban:kratom`, `restrict:7-oh,synthetic`, `unrelated`.

    A status-setting measure with no substance names kratom. ValueError names what was not understood.
    """
    measure_text, _, names = text.strip().partition(":")
    try:
        measure = Measure(measure_text.strip().lower())
    except ValueError:
        known = ", ".join(m.value for m in Measure)
        raise ValueError(f"--provision {text!r}: unknown measure {measure_text!r}; expected one of {known}") from None
    substances: list[Substance] = []
    for name in filter(None, (n.strip().lower() for n in names.split(","))):
        try:
            substances.append(Substance(name))
        except ValueError:
            known = ", ".join(s.value for s in Substance)
            raise ValueError(f"--provision {text!r}: unknown substance {name!r}; expected {known}") from None
    if not substances and measure in STATUS_MEASURES:
        substances = [Substance.KRATOM]
    return Provision(measure=measure, substances=substances)


def latest_decisions(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """The decision in force per notice: the last one recorded (decisions come in the order they were made)."""
    out: dict[str, Decision] = {}
    for decision in decisions:
        out[decision.notice] = decision
    return out


def apply_decisions(actions: Iterable[Action], decisions: Iterable[Decision]) -> list[Action]:
    """The readings with every decision in force applied; an undone or undecided notice keeps the rules' reading."""
    decided = {n: d for n, d in latest_decisions(decisions).items() if d.provisions is not None}
    return [_decided(a, decided[a.notice]) if a.notice in decided else a for a in actions]


def _decided(action: Action, decision: Decision) -> Action:
    assert decision.provisions is not None
    lead = principal(decision.provisions)
    update: dict[str, object] = {
        "provisions": decision.provisions,
        "measure": lead.measure,
        "substances": lead.substances,
        "confidence": 1.0,
        "binding": True,
        "review": [],
        "decided": True,
        "rule": f"review: {decision.by} decided on {decision.at.date().isoformat()}: {decision.reason}",
    }
    if decision.effective is not None:
        update["effective"] = decision.effective
    if decision.stage is not None or decision.effective is not None:
        update["history"] = _history(action, decision)
    return action.model_copy(update=update)


def _history(action: Action, decision: Decision) -> list[StageEvent]:
    stage = decision.stage or action.history[-1].stage
    events = [StageEvent(date=action.published, stage=stage)]
    if stage in IN_FORCE_STAGES:
        day = max(decision.effective or action.published, action.published)
        events = [StageEvent(date=action.published, stage=Stage.ENACTED), StageEvent(date=day, stage=Stage.EFFECTIVE)]
    return events


def review_queue(actions: Iterable[Action], rows: Iterable[StatusRow]) -> list[ReviewItem]:
    """Open review items, one per notice, most consequential first: conflicts, then unclassified texts,
    unverified evidence, and low-confidence readings; within each, readings that would ban or restrict first."""
    by_notice = {a.notice: a for a in actions}
    items: dict[str, ReviewItem] = {}

    def add(action: Action, reason: ReviewReason) -> None:
        items.setdefault(action.notice, _item(action, reason))

    for row in rows:
        for notice in row.conflict:
            if notice in by_notice and not by_notice[notice].decided:
                add(by_notice[notice], ReviewReason.CONFLICT)
    for action in by_notice.values():
        if action.decided or action.measure is Measure.UNRELATED:
            continue
        if action.measure is Measure.UNCLASSIFIED:
            add(action, ReviewReason.UNCLASSIFIED)
        elif action.reliability is Reliability.UNVERIFIED:
            add(action, ReviewReason.UNVERIFIED)
        elif action.confidence < LOW_CONFIDENCE and not action.rule.startswith("baseline:"):
            # A curated fact's confidence follows its reliability: unverified ones are listed as such above.
            add(action, ReviewReason.LOW_CONFIDENCE)
    return sorted(items.values(), key=_consequence)


def _item(action: Action, reason: ReviewReason) -> ReviewItem:
    return ReviewItem(
        notice=action.notice,
        jurisdiction=action.jurisdiction,
        title=action.title,
        reason=reason,
        measure=action.measure,
        confidence=action.confidence,
    )


_REASON_ORDER = [ReviewReason.CONFLICT, ReviewReason.UNCLASSIFIED, ReviewReason.UNVERIFIED, ReviewReason.LOW_CONFIDENCE]


def _consequence(item: ReviewItem) -> tuple[int, int, str, str]:
    status = STATUS_MEASURES.get(item.measure)
    strictness = STATUS_STRICTNESS[status] if status is not None else -1
    return (_REASON_ORDER.index(item.reason), -strictness, item.jurisdiction, item.notice)
