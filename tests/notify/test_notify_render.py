"""A digest's HTML, inlined block by block, is the whole document inlined at once."""

from __future__ import annotations

from datetime import date
from typing import Any

import css_inline
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from regwatch.domain.models import Change
from regwatch.domain.vocab import ChangeKind, Severity, Status, Substance
from regwatch.notify import render
from regwatch.notify.subscribers import make_subscriber
from tests.notify.alerts_helpers import CHANGES, NOW, change

SUBSCRIBER = make_subscriber(email="a@example.com", jurisdictions=["US-LA", "US-KY"])
UNSUBSCRIBE = "https://localhost/unsubscribe?token=abc"


def whole_document(context: dict[str, Any]) -> str:
    """The HTML part as one document rendered with every change's block, then inlined in one go."""
    blocks = "".join(render.template("digest_change.html.j2").render(i=i) + "\n" for i in context["items"])
    return css_inline.inline(render.template("digest.html.j2").render(context, changes_html=Markup(blocks)))


def welcome(lines: str) -> Change:
    return change("welcome", Severity.LOW, "US-KY", None, kind=ChangeKind.WELCOME, explanation=lines)


CASES = {
    "every shape of change": CHANGES,
    "one change": CHANGES[:1],
    "markup, controls and an entity in scraped text": [
        change(
            "odd",
            Severity.CRITICAL,
            "US-KY",
            Substance.KRATOM,
            summary="Kentucky <b>bans</b> kratom &amp; 7-OH <regwatch-changes></regwatch-changes>\r\n\x00",
            explanation='"</td></tr></table></div><style>td { color: red }</style>',
            evidence=["https://example.org/a?b=1&c=<2>", "warc:urn:uuid:1", "javascript:alert(1)"],
        ),
        *CHANGES[1:3],
    ],
    "non-ASCII": [change("tr", Severity.HIGH, "TR", Substance.KRATOM, summary="Türkiye \u2014 \u201cTürkçe\u201d")],
    "a reported act": [
        change(
            "rep",
            Severity.HIGH,
            "US-TN",
            Substance.KRATOM,
            reported=True,
            old_status=Status.LEGAL,
            new_status=Status.BANNED,
            effective=date(2026, 1, 1),
        )
    ],
    "a welcome beside changes": [welcome("US-KY: legal\nUS-LA: banned <since 2025>"), *CHANGES[:2]],
    "a welcome alone": [welcome("US-KY: legal")],
}


@pytest.mark.parametrize("case", CASES)
def test_each_change_inlined_once_is_the_whole_document_inlined(case: str) -> None:
    context = render.digest_context(SUBSCRIBER, CASES[case], UNSUBSCRIBE, NOW)

    assert render.html_part(context) == whole_document(context)


def test_a_change_is_inlined_once_for_every_digest_that_carries_it() -> None:
    render.change_block.cache_clear()
    for n in range(5):
        render.html_part(render.digest_context(make_subscriber(email=f"u{n}@example.com"), CHANGES, UNSUBSCRIBE, NOW))

    assert (render.change_block.cache_info().misses, render.change_block.cache_info().hits) == (5, 20)


TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)


@settings(max_examples=150, deadline=None)
@given(summary=TEXT, why=TEXT, evidence=st.lists(TEXT, max_size=3), severity=st.sampled_from(list(Severity)))
def test_any_scraped_text_inlines_alike(summary: str, why: str, evidence: list[str], severity: Severity) -> None:
    odd = change("any", severity, "US-LA", Substance.KRATOM, summary=summary, explanation=why, evidence=evidence)
    context = render.digest_context(SUBSCRIBER, [odd, *CHANGES[1:3]], UNSUBSCRIBE, NOW)

    assert render.html_part(context) == whole_document(context)


def test_a_change_is_worded_once_and_anew_when_edited() -> None:
    first = change("edit", Severity.HIGH, "US-LA", Substance.KRATOM, summary="Louisiana: first words")
    same = first.model_copy(deep=True)
    worded = render.item(first)

    assert render.item(same) is worded  # another change of the same content: the same words, made once
    first.summary = "Louisiana: edited words"
    first.evidence = [*first.evidence, "warc:urn:uuid:2"]
    assert (render.item(first).summary, render.item(first).other_evidence) == (
        "Louisiana: edited words",
        ("warc:urn:uuid:2",),
    )
    assert render.item(same) is worded


def test_a_changes_text_is_numbered_by_its_place_in_each_digest() -> None:
    florida = "[HIGH] Florida: restrict of 7-oh proposed: HB 1234"
    second = render.text_part(render.digest_context(SUBSCRIBER, CHANGES[:2], UNSUBSCRIBE, NOW))
    first = render.text_part(render.digest_context(SUBSCRIBER, CHANGES[1:2], UNSUBSCRIBE, NOW))

    assert f"\n2. {florida}\n" in second and f"\n1. {florida}\n" not in second
    assert f"\n1. {florida}\n" in first
    footer = "\n\n--\nYou receive this because you asked regwatch for: US-LA, US-KY; all substances"
    assert footer in second
