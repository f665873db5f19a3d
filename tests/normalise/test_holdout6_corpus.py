"""classification_holdout6.jsonl: 129 real texts (40 not in English; about half official texts: bills, statutes,
rules, ordinances, agency documents) gathered blind on 2026-11-28 by a fourth helper who saw neither the rules
nor any other corpus (their URLs were excluded). Scored once on first contact, before any rule was changed after
it was gathered: 72/129 measures right (55.8%), 6/40 not in English, 12 dangerous confusions, 45/63 status cells.

No rule is ever to be written from it: it is the unseen figure of the later rounds (the rules helpers never
had it). These tests hold the line of the latest round (first contact in the docstring above).
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.scoring import load, score, shape, unseen

HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "classification_holdout6.jsonl"


def test_the_table_is_as_gathered() -> None:
    assert shape(load(HOLDOUT)) == (129, 129, 40, True)


def test_scores_at_least_as_on_first_contact() -> None:
    result = score(load(HOLDOUT))
    print("\n".join(result.lines()))
    assert result.right >= 95 and result.foreign_right >= 24 and result.cells_right >= 50
    assert sum(result.dangerous.values()) <= 8


def test_unseen_items_score_at_least_as_after_the_rules_rounds() -> None:
    # Eight items were later found on their own by the rules helpers and quoted as rule examples (m020, m059,
    # m067, m070, m083; m001, m034 and m110 in round 9): `unseen` leaves them out. The 124 of round 7: 72 right on
    # first contact (6/35 not in English, 12 dangerous, 45/60 cells), 80 after the rounds of 2026-11-28 (12/35,
    # 8 dangerous, 47/60). The 121 of round 9: 79 before rounds 8 and 9, 85 after them (17/33, 8 dangerous, 46/59),
    # 88 after round 10 (18/33, 8 dangerous, 46/59).
    result = score(unseen(load(HOLDOUT)))
    print("\n".join(result.lines()))
    assert result.items == 121
    assert result.right >= 88 and result.foreign_right >= 18 and result.cells_right >= 46
    assert sum(result.dangerous.values()) <= 8
