"""classification_holdout5.jsonl: 127 real texts (54 not in English; 33 traps that name kratom and do nothing to
it) gathered blind on 2026-11-28 by a third helper who saw neither the rules nor the other corpora (their URLs
were excluded). Scored once on first contact, before any rule was changed for it: 63/127 measures right (49.6%),
15/54 not in English, 15 dangerous confusions (4 of them a consumer-protection act with a 7-OH cap labelled by
its strictest provision, `restrict`, where regwatch names the leaf's, `regulate`), 37/50 status cells.

Its odd ids (k001, k003, ...) may be tuned on; its even ids stay unseen, so `unseen` below is an honest figure
only while no rule is written from them. First contact by half: odd 35/64, even 28/63.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers.scoring import load, score, shape, unseen

HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "classification_holdout5.jsonl"


def half(parity: int) -> list[dict[str, Any]]:
    return [item for item in load(HOLDOUT) if int(item["id"][1:]) % 2 == parity]


def test_the_table_is_as_gathered() -> None:
    assert shape(load(HOLDOUT)) == (127, 127, 54, True)


def test_scores_at_least_as_on_first_contact() -> None:
    result = score(load(HOLDOUT))
    print("\n".join(result.lines()))
    # The odd half was tuned on (2026-11-28): 85/127, 28/54, 43/50 cells, 10 dangerous after that round; 94/127,
    # 35/54, 43/50, 9 dangerous after round 10.
    assert result.right >= 94 and result.foreign_right >= 35 and result.cells_right >= 43
    assert sum(result.dangerous.values()) <= 9


def test_unseen_half_scores_at_least_as_after_the_rules_rounds() -> None:
    # Of the 63 even items, 6 were later found on their own by the rules helpers and quoted as rule examples
    # (k016, k036, k050, k064, k110; k044 in round 8): `unseen` leaves them out. The other 58 of round 7: 27 right
    # on first contact (6/23 not in English, 5 dangerous, 18/24 cells), 31 after the rounds of 2026-11-28 (8/23,
    # 5 dangerous, 18/24). The 57 of round 8 (k044 out): 31 before it, 32 after (8/22, 5 dangerous, 18/24); 37
    # after round 10 (12/22, 5 dangerous, 18/24).
    result = score(unseen(half(0)))
    print("\n".join(result.lines()))
    assert result.items == 57
    assert result.right >= 37 and result.foreign_right >= 12 and result.cells_right >= 18
    assert sum(result.dangerous.values()) <= 5
