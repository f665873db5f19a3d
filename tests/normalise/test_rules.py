"""Every example written beside a rule is classified as the rule says: the rules prove themselves."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from regwatch.normalise.prefilter import is_plain_text
from regwatch.normalise.reading import read
from regwatch.normalise.rules import Pattern, all_rules, first_match, fold_text, measure_rules, resolve_substances
from regwatch.normalise.stages import classify_action, stage_rules

MEASURE_EXAMPLES = [(rule.name, ex) for rule in measure_rules() for ex in rule.examples]
STAGE_EXAMPLES = [(rule.name, rule.stage, text) for rule in stage_rules() for text in rule.examples]


@pytest.mark.parametrize(
    ("rule_name", "example"), MEASURE_EXAMPLES, ids=[f"{n}:{i}" for i, (n, _) in enumerate(MEASURE_EXAMPLES)]
)
def test_measure_rule_example(rule_name: str, example: object) -> None:
    if "provisions" in example.expect:  # type: ignore[attr-defined]
        reading = read("", example.text, example.kind)  # type: ignore[attr-defined]
        got_provisions = [p.model_dump(mode="json", exclude_defaults=True) for p in reading.provisions]
        assert got_provisions == example.expect["provisions"]  # type: ignore[attr-defined]
        assert rule_name in {f.rule.name for f in reading.found}
        return
    folded = fold_text(example.text)  # type: ignore[attr-defined]
    rule, _ = first_match(folded, example.kind)  # type: ignore[attr-defined]
    got = {"measure": rule.measure.value, "substances": [s.value for s in resolve_substances(rule.substances, folded)]}
    assert (rule.name, got) == (rule_name, example.expect)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("rule_name", "stage", "text"), STAGE_EXAMPLES)
def test_stage_rule_example(rule_name: str, stage: object, text: str) -> None:
    rule = classify_action(text)
    assert rule is not None and (rule.name, rule.stage) == (rule_name, stage)


@pytest.mark.parametrize(
    "text", ["Referred to Committee on Health and Welfare", "Public hearing held", "Amendment adopted in committee"]
)
def test_procedural_steps_leave_the_stage(text: str) -> None:
    rule = classify_action(text)
    assert rule is None or rule.name == "introduced"


def test_rules_file_ends_with_a_catch_all() -> None:
    last = measure_rules()[-1]
    assert not last.any and not last.all and not last.none


def test_a_pattern_is_a_string_or_carries_its_needs() -> None:
    assert Pattern.model_validate("task force") == Pattern(pattern="task force")
    assert Pattern.model_validate({"needs": ["outlaw"], "pattern": r"\boutlaw"}).needs == ("outlaw",)


@pytest.mark.parametrize("needle", ["Kratom", "ban  on", "ban\ton", "\u2013", ""])
def test_a_need_no_folded_text_can_hold_is_refused(needle: str) -> None:
    with pytest.raises(ValidationError, match="folded"):
        Pattern(pattern=r"\bban\b", needs=(needle,))


def test_a_pattern_that_does_not_compile_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a regular expression"):
        Pattern(pattern="(kratom")


def test_every_regex_pattern_declares_its_needs() -> None:
    # Without `needs` a pattern is still read right, but searched in every text, and a rule whose `any`
    # list holds it can no longer be skipped: the prefilter would degrade silently.
    missing = [
        (rule.name, p.pattern)
        for rule in all_rules()
        for p in (*rule.any, *rule.all, *rule.none)
        if not p.needs and not is_plain_text(p.pattern)
    ]
    assert missing == []
