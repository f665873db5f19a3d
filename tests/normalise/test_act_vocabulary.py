"""Each language's act vocabulary (languages/<code>.yaml, `acts`): the words by which a text speaks of law,
authority or enforcement. A text that names kratom, that no rule of its language reads and that holds none of
them is background (unrelated); one that holds any stays unclassified. Every example is a real text quoted
with its URL; every act a rule file or a tuning table quotes must hold a word of its language's vocabulary
(a ban read as unrelated is a dangerous confusion)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regwatch.domain.vocab import Measure, NoticeKind
from regwatch.normalise.reading import read
from regwatch.normalise.rules import fold_text, language_table, language_tables, names_kratom

DATA = Path(__file__).resolve().parents[1] / "data"
# Tables whose non-English acts must each hold an act word (hold-outs 5 to 7 are not read here).
TABLES = [
    "classification_fresh3.jsonl",
    "classification_holdout4.jsonl",
    "classification_tune9lang_probes.jsonl",
    "classification_tune10lang_probes.jsonl",
]
# Languages for which the search tool found no real text that names kratom and holds no act word (searched
# 2026-11, pages corpus): their vocabulary is proved by an act example only.
NO_QUIET_TEXT_FOUND = {
    "da", "et", "fa", "fi", "he", "hu", "is", "ja", "lt", "lv", "my", "nb", "ro", "sk", "sl", "sv", "tr", "vi", "zh",
}  # fmt: skip

EXAMPLES = [(code, ex) for code, table in language_tables().items() if table.acts for ex in table.acts.examples]


def test_every_language_has_an_act_vocabulary() -> None:
    assert all(table.acts is not None for table in language_tables().values())


@pytest.mark.parametrize(("code", "example"), EXAMPLES, ids=[f"{c}:{i}" for i, (c, _) in enumerate(EXAMPLES)])
def test_vocabulary_example(code: str, example: object) -> None:
    table = language_table(code)
    assert table is not None and table.acts is not None
    assert example.source.startswith("http")  # type: ignore[attr-defined]
    found = table.acts.act_word(fold_text(example.text))  # type: ignore[attr-defined]
    assert (found is not None) == example.acts  # type: ignore[attr-defined]


@pytest.mark.parametrize("code", sorted(language_tables()))
def test_each_vocabulary_is_proved_both_ways(code: str) -> None:
    table = language_table(code)
    assert table is not None and table.acts is not None
    kinds = {ex.acts for ex in table.acts.examples}
    assert True in kinds
    assert (False in kinds) == (code not in NO_QUIET_TEXT_FOUND)


@pytest.mark.parametrize(
    ("code", "example"),
    [(c, e) for c, e in EXAMPLES if not e.acts],
    ids=[c for c, e in EXAMPLES if not e.acts],
)
def test_a_quiet_text_naming_kratom_is_background(code: str, example: object) -> None:
    assert names_kratom(fold_text(example.text))  # type: ignore[attr-defined]
    reading = read("", example.text, NoticeKind.OTHER, code)  # type: ignore[attr-defined]
    assert reading.principal.provision.measure is Measure.UNRELATED
    assert reading.principal.rule.background


def test_the_reading_says_why_a_text_is_background() -> None:
    text = "Kratom (Mitragyna speciosa) – tropické drevo z čeľade marenovitých, pôvodom z juhovýchodnej Ázie."
    reading = read("", text, NoticeKind.OTHER, "sk")
    assert reading.principal.rule.name == "sk-no-act-named"
    assert "nothing in Slovak speaks of a law, an authority or an enforcement" in reading.explain()


def test_a_text_that_speaks_of_an_act_no_rule_reads_stays_unclassified() -> None:
    # A Slovak text naming a ministry and a list, that no Slovak rule reads: review, not background.
    text = "Ministerstvo zdravotníctva navrhuje zaradiť kratom do zoznamu psychotropných látok."
    reading = read("", text, NoticeKind.OTHER, "sk")
    assert reading.principal.provision.measure is Measure.UNCLASSIFIED
    assert "speaks of an act" in reading.principal.pattern


def test_a_language_without_a_table_still_abstains() -> None:
    reading = read("", "Το kratom είναι τροπικό δέντρο της Νοτιοανατολικής Ασίας.", NoticeKind.OTHER, "el")
    assert reading.principal.provision.measure is Measure.UNCLASSIFIED


ACT_RULE_EXAMPLES = [
    (code, rule.name, ex.text)
    for code, table in language_tables().items()
    for rule in table.rules
    if rule.measure not in (Measure.UNRELATED, Measure.UNCLASSIFIED)
    for ex in rule.examples
]


@pytest.mark.parametrize(
    ("code", "rule_name", "text"), ACT_RULE_EXAMPLES, ids=[f"{c}:{n}" for c, n, _ in ACT_RULE_EXAMPLES]
)
def test_every_act_a_rule_file_quotes_holds_an_act_word(code: str, rule_name: str, text: str) -> None:
    table = language_table(code)
    assert table is not None and table.acts is not None
    assert table.acts.act_word(fold_text(text)) is not None, rule_name


def _acts_in_tables() -> list[tuple[str, str, str]]:
    rows = []
    for name in TABLES:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line) if line.strip() else None
            if not item or item["language"] == "en":
                continue
            if item["expect"]["measure"] in ("unrelated", "unclassified"):
                continue
            rows.append((item["id"], item["language"], f"{item['title']}. {item['text']}"))
    return rows


@pytest.mark.parametrize(("item_id", "code", "text"), _acts_in_tables(), ids=[r[0] for r in _acts_in_tables()])
def test_every_act_a_tuning_table_holds_holds_an_act_word(item_id: str, code: str, text: str) -> None:
    table = language_table(code)
    if table is None:
        pytest.skip(f"{code} has no table: it abstains")
    assert table.acts is not None
    assert table.acts.act_word(fold_text(text)) is not None, item_id
