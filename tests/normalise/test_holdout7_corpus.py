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
    # Two items (n033, n051) were later found on their own by the round-8 rules helpers, who never had this
    # table, and quoted as rule examples: `unseen` leaves them out. The other 143: 76 right on first contact
    # (20/55 not in English, 13 dangerous, 22/28 cells), 78 after round 8 (21/55, 12 dangerous, 22/28).
    result = score(unseen(load(HOLDOUT)))
    print("\n".join(result.lines()))
    assert result.items == 143
    assert result.right >= 78 and result.foreign_right >= 21 and result.cells_right >= 22
    assert sum(result.dangerous.values()) <= 12
