"""classification_fresh3.jsonl: 139 real texts (49 not in English) gathered blind; its first-contact score
was 51.1% of measures right and 12/49 non-English. The rules were then TUNED on it (the language rules
quote its texts as examples), so the figures here are a regression bar, not an unseen score.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.helpers.scoring import Score, load, score

FRESH = Path(__file__).resolve().parents[1] / "data" / "classification_fresh3.jsonl"
# Known dangerous confusions left (expected, got) and why: c021 (a county repeal beside a state 7-OH ban), c090
# (a draft ordinance's 21+ rule worded "restricted to purchasers 21 and older" is missed, so its 7-OH cap leads),
# c128 (Utah's pure-leaf amendment: read as its registration, a regulation, with the pure-leaf restriction).
# c020 (a city ban reported beside a state age limit) is read right since the title may outrank (tune8en).
KNOWN = {"c021", "c090", "c128"}


def _result() -> Score:
    return score(load(FRESH))


def test_fresh3_measures_right() -> None:
    result = _result()
    print("\n".join(result.lines()))
    assert result.right / result.items >= 0.92


def test_fresh3_texts_not_in_english() -> None:
    result = _result()
    assert result.foreign == 49
    assert result.foreign_right >= 48


def test_fresh3_per_language() -> None:
    items = load(FRESH)
    result = _result()
    wrong = {line.split(":")[0] for line in result.wrong}
    by_language: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for item in items:
        by_language[item["language"]] += 1
        missed[item["language"]] += item["id"] in wrong
    # Every language right on every text (c050, a Malay senator's call for a ban, read as the ban until tune9lang).
    assert {code: n for code, n in missed.items() if n and code != "en"} == {}


def test_fresh3_no_new_dangerous_confusion() -> None:
    result = _result()
    dangerous_ids = {
        line.split(":")[0]
        for line in result.wrong
        if any(f"expected {a}, got {b}" in line for (a, b) in result.dangerous)
    }
    assert dangerous_ids <= KNOWN
