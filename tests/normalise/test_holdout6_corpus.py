"""classification_holdout6.jsonl: 129 real texts (40 not in English; about half official texts: bills, statutes,
rules, ordinances, agency documents) gathered blind on 2026-11-28 by a fourth helper who saw neither the rules
nor any other corpus (their URLs were excluded). Scored once on first contact, before any rule was changed after
it was gathered: 72/129 measures right (55.8%), 6/40 not in English, 12 dangerous confusions, 45/63 status cells.

No rule is ever to be written from it: it is the unseen figure of the later rounds (the rules helpers never
had it). These tests hold the line of the latest round (first contact in the docstring above).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.scoring import load, score, unseen

HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "classification_holdout6.jsonl"


def test_the_table_is_as_gathered() -> None:
    items = [json.loads(line) for line in HOLDOUT.read_text(encoding="utf-8").splitlines()]
    assert len(items) == 129 and len({i["id"] for i in items}) == 129
    assert sum(i["language"] != "en" for i in items) == 40
    assert all(i["url"].startswith("http") for i in items)


def test_scores_at_least_as_on_first_contact() -> None:
    result = score(load(HOLDOUT))
    print("\n".join(result.lines()))
    assert result.right >= 77 and result.foreign_right >= 8 and result.cells_right >= 45
    assert sum(result.dangerous.values()) <= 11


def test_unseen_items_score_at_least_as_after_the_language_round() -> None:
    # Two items (m020, m083) were found on their own by the language helper and quoted as rule examples:
    # `unseen` leaves them out. The other 127: 72 right on first contact (6/38 not in English), 76 after the
    # rounds of 2026-11-28 (7/38).
    result = score(unseen(load(HOLDOUT)))
    print("\n".join(result.lines()))
    assert result.items == 127
    assert result.right >= 76 and result.foreign_right >= 7 and result.cells_right >= 45
