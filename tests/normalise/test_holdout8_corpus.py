"""classification_holdout8.jsonl: 145 real texts (67 not in English, in 20 languages; 28 official texts, 48 traps)
gathered blind on 2026-11-28 by a sixth helper who saw neither the rules nor any other corpus (their URLs were
excluded). Two items filed under "EU" (p009, p136: commentary and an advocacy page, both traps) were set to the
nation of their language by the integrator, since regwatch's codes have no EU; each note says so.
Scored once on first contact, on the rules of commit ba66e56, before any rule was changed after it was gathered:
76/145 measures right (52.4%), 27/67 not in English, 14 dangerous confusions, 26/30 status cells.

No rule is ever to be written from it: it is the unseen figure of the rules rounds after 2026-11-28 (the rules
helpers never had it). These tests hold the line of the latest round (first contact in the docstring above).
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.scoring import load, score, shape, unseen

HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "classification_holdout8.jsonl"


def test_the_table_is_as_gathered() -> None:
    assert shape(load(HOLDOUT)) == (145, 145, 67, True)


def test_unseen_items_score_at_least_as_after_the_rules_rounds() -> None:
    # One item was later found on its own by a rules helper of round 10, who never had this table, and quoted as
    # a rule example (p016, in nl.yaml's act vocabulary): `unseen` leaves it out. The other 144: 76 right on first
    # contact (27/66 not in English, 14 dangerous, 26/30 cells), 83 after round 10 (29/66, 14 dangerous, 26/30).
    result = score(unseen(load(HOLDOUT)))
    print("\n".join(result.lines()))
    assert result.items == 144
    assert result.right >= 83 and result.foreign_right >= 29 and result.cells_right >= 26
    assert sum(result.dangerous.values()) <= 14
