"""classification_holdout7.jsonl: 145 real texts (56 not in English, in 17 languages; 31 official texts, 28 traps)
gathered blind on 2026-11-28 by a fifth helper who saw neither the rules nor any other corpus (their URLs were
excluded). 99 pages showed no date: the scorer reads those as published on the day gathered (scoring.GATHERED).
Scored once on first contact, on the rules of commit af10036, before any rule was changed after it was gathered:
76/145 measures right (52.4%), 20/56 not in English, 13 dangerous confusions, 22/28 status cells.

No rule is ever to be written from it: it is the unseen figure of the rules rounds after 2026-11-28 (the rules
helpers never had it). These tests hold the line of the latest round (first contact in the docstring above).
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.scoring import load, score, shape, unseen

HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "classification_holdout7.jsonl"


def test_the_table_is_as_gathered() -> None:
    assert shape(load(HOLDOUT)) == (145, 145, 56, True)


def test_unseen_items_score_at_least_as_after_the_rules_rounds() -> None:
    # Seven items were later found on their own by the rules helpers of rounds 8 and 9, who never had this
    # table, and quoted as rule examples (n033, n051; n003, n066, n077, n078, n114): `unseen` leaves them out.
    # The other 138: 76 right on first contact (20/50 not in English, 13 dangerous, 22/27 cells), 81 after
    # rounds 8 and 9 (25/50, 11 dangerous, 23/27), 88 after round 10 (28/50, 11 dangerous, 23/27).
    result = score(unseen(load(HOLDOUT)))
    print("\n".join(result.lines()))
    assert result.items == 138
    assert result.right >= 88 and result.foreign_right >= 28 and result.cells_right >= 23
    assert sum(result.dangerous.values()) <= 11
