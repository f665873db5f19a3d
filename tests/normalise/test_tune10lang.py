"""The probes of rules round 10 (languages): 40 non-English texts found by search, 21 that name kratom and do
nothing to it (health, plant descriptions, trade, history) in 12 languages and 19 acts or texts that tell the law
(studies, export rules, seizures, raids, a ban), labelled by the helper before any rule was written."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.scoring import load, score

PROBES = Path(__file__).resolve().parents[1] / "data" / "classification_tune10lang_probes.jsonl"


def test_the_probe_set_keeps_its_figure() -> None:
    # First contact (no act vocabulary, no new rule): 17/40, none dangerous. With the act vocabulary 27/40; with
    # the Indonesian export-regulation and state-research rules and the Thai delisting retold as a date past,
    # 32/40. Known: t10-fr01, t10-pl02, t10-pt01, t10-id03, t10-id05 (background that names a law or a
    # narcotic in passing: the vocabulary keeps them for review, by design); t10-id13 (a blog's claim of a
    # listing), t10-ja01 (a Thai raid told after Japan's designation, read as the designation) and t10-pt02
    # (the FDA's destruction orders told in Portuguese).
    result = score(load(PROBES))
    assert result.items == 40
    assert result.right >= 32
    assert result.dangerous == {}
