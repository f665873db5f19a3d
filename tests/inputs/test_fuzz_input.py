"""Fuzzing notice input and the rules: any input ends in notices or a clear BadInput, never a crash."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regwatch.domain.models import Notice, xml_safe
from regwatch.errors import BadInput
from regwatch.inputs.jsonl import parse_lines
from regwatch.normalise import classify

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
FIELDS = ["id", "text", "url", "identifier", "actions", "effective", "retrieved", "colour"]
near_notices = st.fixed_dictionaries(
    {
        "jurisdiction": st.sampled_from(["US-LA", "US", "TH", "US-XX", "us-la", "US-CA:san-diego", "", 7]),
        "source": st.text(max_size=10),
        "kind": st.sampled_from(["bill", "rule", "notice", "tweet", None]),
        "title": st.text(max_size=200),
        "published": st.sampled_from(["2025-02-12", "2025-02-30", "0000-00-00", "", "2025-02-12T10:00:00Z", None]),
    },
    optional=dict.fromkeys(FIELDS, json_values),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=80), max_size=5))
def test_arbitrary_lines_never_crash(lines: list[str]) -> None:
    try:
        parse_lines(lines, "fuzz.jsonl")
    except BadInput as exc:
        assert "fuzz.jsonl line " in str(exc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_notices)
def test_near_notices_are_read_or_named(data: dict[str, object]) -> None:
    try:
        [notice] = parse_lines([json.dumps(data)], "fuzz.jsonl")
    except BadInput as exc:
        assert str(exc).startswith("1 bad line(s); nothing was stored:\nfuzz.jsonl line 1: ")
        return
    assert isinstance(notice, Notice)
    classify(notice)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.text(max_size=400))
def test_rules_read_any_text(title: str, text: str) -> None:
    # A title of nothing but characters XML forbids is empty once they are removed, and refused.
    title = title if xml_safe(title) else "t"
    notice = Notice(jurisdiction="US-FL", source="fuzz", kind="bill", title=title, text=text, published="2025-01-01")
    action = classify(notice)
    assert action.rule and 0 <= action.confidence <= 1
