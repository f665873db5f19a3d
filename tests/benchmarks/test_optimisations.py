"""The speed-ups the benchmarks led to change no result: each is checked against the plain version it
replaced (kept here as the reference), on generated and random inputs."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, find, given, settings
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
from regwatch.normalise.prefilter import Search, holds_one, is_plain_text
from regwatch.normalise.rules import Pattern, all_rules, first_match, fold_text, measure_rules

DATA = Path(__file__).resolve().parents[1] / "data"
# Every pattern of measures.yaml and languages/*.yaml that declares its needs, once each.
DECLARED = list({p.pattern: p for rule in all_rules() for p in (*rule.none, *rule.all, *rule.any) if p.needs}.values())


@cache
def _texts() -> tuple[tuple[str, NoticeKind], ...]:
    """Folded texts and their kinds: every rule example, every text of tests/data, and generated notices."""
    texts = [(fold_text(ex.text), ex.kind) for rule in all_rules() for ex in rule.examples]
    for corpus in sorted(DATA.glob("classification_*.yaml")):
        items = yaml.safe_load(corpus.read_text(encoding="utf-8"))
        texts += [(fold_text(f"{i['title']}. {i['text']}"), NoticeKind(i["kind"])) for i in items]
    for corpus in sorted(DATA.glob("classification_*.jsonl")):
        items = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts += [(fold_text(f"{i['title']}. {i['text']}"), NoticeKind(i["kind"])) for i in items]
    texts += [(fold_text(f"{n.title}. {n.text}"), n.kind) for n in Corpus(5).notices(400)]
    return tuple(texts)


def _unsound(pattern: Pattern, texts: list[str]) -> list[str]:
    """The matches of `pattern` in `texts` that hold none of its declared needs (none: it is sound)."""
    regex = re.compile(pattern.pattern)
    return [m.group() for text in texts for m in regex.finditer(text) if not holds_one(pattern.needs, m.group())]


def test_every_match_in_real_and_generated_notices_holds_a_declared_need() -> None:
    texts = [text for text, _kind in _texts()]
    for pattern in DECLARED:
        assert _unsound(pattern, texts) == [], pattern.pattern
    matched = sum(1 for pattern in DECLARED for text in texts if re.search(pattern.pattern, text))
    assert matched > 500  # the check saw real matches, not only misses


@pytest.mark.parametrize("pattern", DECLARED, ids=lambda p: p.pattern[:40])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_every_match_of_a_text_generated_from_the_pattern_holds_a_declared_need(
    pattern: Pattern, data: st.DataObject
) -> None:
    text = data.draw(st.from_regex(pattern.pattern))
    assert _unsound(pattern, [text]) == []


def test_a_wrong_declaration_is_caught() -> None:
    # "ketum" is as good as "kratom" to this pattern: a declaration naming only kratom is wrong.
    wrong = Pattern(pattern=r"(kratom|ketum)[^.;]{0,30}\bban\b", needs=("kratom",))
    found = find(
        st.from_regex(wrong.pattern), lambda text: bool(_unsound(wrong, [text])), settings=settings(database=None)
    )
    assert "ketum" in found
    assert _unsound(wrong, ["the ketum ban"]) == ["ketum ban"]


def test_a_text_without_a_rules_needles_matches_none_of_its_patterns() -> None:
    ruled_out = 0
    for rule in all_rules():
        needles = [Search(p.pattern, p.needs).needs for p in rule.any]
        if not rule.any or () in needles:
            continue  # the rule is searched in every text
        for text, _kind in _texts():
            if not any(holds_one(n, text) for n in needles):
                ruled_out += 1
                assert not any(re.search(p.pattern, text) for p in rule.any), (rule.name, text)
    assert ruled_out > 1000


def _first_match_reference(folded: str, kind: NoticeKind) -> tuple[str, str]:
    """first_match without needles: every pattern searched."""
    for rule in measure_rules():
        if rule.kinds and kind not in rule.kinds:
            continue
        if any(re.search(p.pattern, folded) for p in rule.none):
            continue
        if not all(re.search(p.pattern, folded) for p in rule.all):
            continue
        if not rule.any:
            return rule.name, rule.all[0].pattern if rule.all else "(default)"
        hit = next((p.pattern for p in rule.any if re.search(p.pattern, folded)), None)
        if hit is not None:
            return rule.name, hit
    raise LookupError(folded)


def test_first_match_with_needles_matches_the_plain_search() -> None:
    for text, kind in _texts():
        rule, pattern = first_match(text, kind)
        assert (rule.name, pattern) == _first_match_reference(text, kind), text


@given(st.text(alphabet="ab -#%.*?+()[]{}|^$\\", max_size=6), st.text(alphabet="ab -#%.*?", max_size=30))
def test_a_plain_text_pattern_matches_where_its_text_is_found(pattern: str, text: str) -> None:
    assume(is_plain_text(pattern))
    assert (re.search(pattern, text) is not None) == (pattern in text)
    assert Search(pattern).found(text) == (pattern in text)


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


def _scheduled_reference(
    acts: list[Action], in_force: list[Action], as_of: date, known: bool
) -> dict[Substance, list[ScheduledItem]]:
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
    items: dict[Substance, list[ScheduledItem]] = {s: [] for s in Substance}
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


def _actions(specs: list[Any]) -> list[Action]:
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
def test_indexed_withdrawals_and_forward_fold_match_the_plain_versions(
    specs: list[Any], offset: int, known: bool
) -> None:
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
