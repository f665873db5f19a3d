"""The speed-ups the benchmarks led to change no result: each is checked against the plain version it
replaced (kept here as the reference), on generated and random inputs."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.generate import Corpus
from regwatch.domain.models import Action, ScheduledItem, StageEvent
from regwatch.domain.status import _apply_order, _fold_cells, _scheduled, _withdrawn, covered, in_force_from
from regwatch.domain.vocab import (
    IN_FORCE_STAGES,
    PROPOSAL_STAGES,
    STATUS_MEASURES,
    Measure,
    NoticeKind,
    Stage,
    Substance,
)
from regwatch.normalise.prefilter import could_match, required_literals
from regwatch.normalise.rules import fold_text, measure_rules

EVAL = Path(__file__).resolve().parents[1] / "data" / "classification_eval.yaml"


def _texts() -> list[str]:
    texts = [fold_text(ex.text) for rule in measure_rules() for ex in rule.examples]
    texts += [fold_text(f"{n.title}. {n.text}") for n in Corpus(5).notices(400)]
    if EVAL.exists():
        data = yaml.safe_load(EVAL.read_text(encoding="utf-8"))
        items = data if isinstance(data, list) else next(v for v in data.values() if isinstance(v, list))
        texts += [fold_text(f"{i.get('title', '')}. {i.get('text', '')}") for i in items if isinstance(i, dict)]
    return texts


def test_prefilter_never_rules_out_a_text_a_pattern_matches() -> None:
    texts = _texts()
    patterns = [p for rule in measure_rules() for p in (*rule.none, *rule.all, *rule.any)]
    checked = 0
    for pattern in patterns:
        needles, compiled = required_literals(pattern), re.compile(pattern)
        for text in texts:
            if compiled.search(text):
                checked += 1
                assert could_match(needles, text), (pattern, needles, text)
    assert checked > 500


@given(st.text(alphabet="abckmort -.;7h", max_size=40))
def test_prefilter_literals_hold_for_random_text(text: str) -> None:
    for pattern in (r"\bkrat(om|um)\b[^.;]{0,5}ban", r"(a|b)(cd|ce)+x?", r"7-?oh\b|hmm"):
        if re.search(pattern, text):
            assert could_match(required_literals(pattern), text)


def _withdrawn_reference(acts: list[Action], as_of: date) -> set[str]:
    """The pairwise version status.py had before it was indexed."""
    gone: set[str] = set()
    for w in acts:
        if w.measure is not Measure.WITHDRAW:
            continue
        for p in acts:
            if (
                p.measure in STATUS_MEASURES
                and p.source == w.source
                and p.published <= w.published
                and set(p.substances) & set(w.substances or p.substances)
                and p.stage_on(as_of) in PROPOSAL_STAGES
            ):
                gone.add(p.notice)
    return gone


def _scheduled_reference(acts: list[Action], in_force: list[Action], as_of: date, known: bool) -> dict:
    """The refold-per-day version status.py had before it carried the fold forward."""
    future = [
        a
        for a in acts
        if a.binding
        and a.measure in STATUS_MEASURES
        and a.stage_on(as_of) in IN_FORCE_STAGES
        and in_force_from(a) > as_of
        and (a.expires is None or a.expires > in_force_from(a))
    ]
    items: dict = {s: [] for s in Substance}
    for day in sorted({in_force_from(a) for a in future}):
        taking_effect = sorted((a for a in future if in_force_from(a) == day), key=_apply_order)
        cells = _fold_cells(in_force + [a for a in future if in_force_from(a) <= day], known)
        for substance in Substance:
            deciding = [a for a in taking_effect if substance in covered(a)]
            if deciding:
                items[substance].append(
                    ScheduledItem(status=cells[substance].status, effective=day, notice=deciding[-1].notice)
                )
    return items


START = date(2025, 1, 1)
STAGES = [Stage.INTRODUCED, Stage.PASSED_CHAMBER, Stage.ENACTED, Stage.EFFECTIVE, Stage.VETOED, Stage.PUBLISHED]
action_specs = st.lists(
    st.tuples(
        st.sampled_from(["openstates", "federal_register"]),
        st.sampled_from(list(Measure)),
        st.lists(st.sampled_from(list(Substance)), max_size=2, unique=True),
        st.integers(0, 60),  # published, days after START
        st.lists(st.tuples(st.integers(0, 90), st.sampled_from(STAGES)), min_size=1, max_size=3),
        st.booleans(),
    ),
    max_size=12,
)


def _actions(specs: list) -> list[Action]:
    out = []
    for number, (source, measure, substances, published, steps, binding) in enumerate(specs):
        day = START + timedelta(days=published)
        history = sorted({day + timedelta(days=d): s for d, s in steps}.items())  # one stage a day
        out.append(
            Action(
                notice=f"n{number}",
                jurisdiction="US-RI",
                source=source,
                kind=NoticeKind.BILL,
                title=f"n{number}",
                published=day,
                measure=measure,
                substances=substances,
                history=[StageEvent(date=d, stage=s) for d, s in history],
                binding=binding,
                confidence=0.9,
                rule="test",
            )
        )
    return out


@settings(max_examples=150, deadline=None)
@given(action_specs, st.integers(0, 150), st.booleans())
def test_indexed_withdrawals_and_forward_fold_match_the_plain_versions(specs: list, offset: int, known: bool) -> None:
    acts = _actions(specs)
    as_of = START + timedelta(days=offset)
    assert _withdrawn(acts, as_of) == _withdrawn_reference(acts, as_of)
    in_force = [
        a
        for a in acts
        if a.binding
        and a.measure in STATUS_MEASURES
        and a.stage_on(as_of) in IN_FORCE_STAGES
        and in_force_from(a) <= as_of
    ]
    assert _scheduled(acts, in_force, as_of, known) == _scheduled_reference(acts, in_force, as_of, known)
