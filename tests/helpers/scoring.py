"""Scoring the classifier on an evaluation table: measures, dangerous confusions, languages, and the status
each law leaves per substance. Used by tests/normalise/test_fresh_corpus.py, and run by hand to take a
figure once: `python tests/helpers/scoring.py tests/data/classification_fresh3.jsonl`.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from regwatch.domain.models import Notice, StageEvent
from regwatch.domain.status import fold_status
from regwatch.domain.vocab import IN_FORCE_STAGES, Stage
from regwatch.normalise.classify import classify

# A ban or restriction read as anything that lets a seller go ahead, or the reverse.
STRICT = {"ban", "restrict"}
LENIENT = {"unban", "regulate", "protect", "study", "unrelated"}
LATE = date(2030, 1, 1)  # laws are read as in force on a date after every text in the tables


@dataclass
class Score:
    items: int = 0
    right: int = 0
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    foreign: int = 0
    foreign_right: int = 0
    cells: int = 0
    cells_right: int = 0
    wrong_cells: list[str] = field(default_factory=list)
    stages: int = 0
    stages_right: int = 0
    wrong: list[str] = field(default_factory=list)
    review: int = 0

    @property
    def dangerous(self) -> dict[tuple[str, str], int]:
        return {
            pair: n
            for pair, n in self.confusions.items()
            if (pair[0] in STRICT and pair[1] in LENIENT) or (pair[0] in LENIENT and pair[1] in STRICT)
        }

    def lines(self) -> list[str]:
        return [
            f"measures right: {self.right}/{self.items} ({self.right / max(self.items, 1):.1%})",
            f"not English: {self.foreign_right}/{self.foreign}",
            f"dangerous confusions (expected, got): {dict(self.dangerous)}",
            f"status cells right (the law taken as in force): {self.cells_right}/{self.cells}",
            f"stages right (as the text alone tells it): {self.stages_right}/{self.stages}",
            f"sent to review: {self.review}",
            f"all confusions: {dict(self.confusions.most_common())}",
        ]


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def shape(items: list[dict[str, Any]]) -> tuple[int, int, int, bool]:
    """What a gathered table is: items, distinct ids, items not in English, and whether each cites a URL."""
    return (
        len(items),
        len({i["id"] for i in items}),
        sum(i["language"] != "en" for i in items),
        all(i["url"].startswith("http") for i in items),
    )


def rule_example_urls() -> set[str]:
    """Every URL the rule files quote: a text the rules were written from is no longer unseen."""
    rules = Path(__file__).resolve().parents[2] / "regwatch" / "data" / "rules"
    return {u for f in rules.rglob("*.yaml") for u in re.findall(r"https?://[^\s\"')]+", f.read_text(encoding="utf-8"))}


def unseen(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items whose text no rule quotes as its example (found independently by a rules helper, say)."""
    quoted = rule_example_urls()
    return [item for item in items if item.get("url") not in quoted]


# A gatherer leaves `published` out where the page showed no date (never guessed); such an item is read as
# published on the day its table was gathered, which only the stage's date depends on.
GATHERED = "2026-11-28"


def notice_of(item: dict[str, Any]) -> Notice:
    fields = {k: item[k] for k in ("jurisdiction", "kind", "title", "text", "url", "published") if k in item}
    fields.setdefault("published", GATHERED)
    return Notice.model_validate({**fields, "id": item["id"], "source": item.get("source", "eval")})


def score(items: list[dict[str, Any]]) -> Score:
    out = Score()
    for item in items:
        action = classify(notice_of(item))
        expected, got = item["expect"]["measure"], action.measure.value
        out.items += 1
        out.review += bool(action.review)
        if "stage" in item["expect"]:
            out.stages += 1
            out.stages_right += action.history[-1].stage.value == item["expect"]["stage"] or (
                action.history[-1].stage in IN_FORCE_STAGES and Stage(item["expect"]["stage"]) in IN_FORCE_STAGES
            )
        foreign = item.get("language", "en") != "en"
        out.foreign += foreign
        if got == expected:
            out.right += 1
            out.foreign_right += foreign
        else:
            out.confusions[(expected, got)] += 1
            out.wrong.append(f"{item['id']}: expected {expected}, got {got} ({action.rule[:80]})")
        after = item["expect"].get("status_after")
        if after and Stage(item["expect"].get("stage", "published")) in IN_FORCE_STAGES:
            # The statuses the reading's provisions set once the law is in force: a bill's text rarely says it
            # was enacted (its stage comes from the source's action list), so the stage is the label's.
            in_force = action.model_copy(update={"history": [StageEvent(date=action.published, stage=Stage.ENACTED)],
                                                 "effective": None, "expires": None})  # fmt: skip
            rows = {r.substance.value: r.status.value for r in fold_status([in_force], max(LATE, action.published))}
            for substance, status in after.items():
                if status is None:  # the label leaves this substance open (the text does not touch it)
                    continue
                out.cells += 1
                if rows.get(substance, "unknown") == status:
                    out.cells_right += 1
                else:
                    out.wrong_cells.append(f"{item['id']} {substance}: expected {status}, got {rows.get(substance)}")
    return out


if __name__ == "__main__":
    result = score(load(Path(sys.argv[1])))
    print("\n".join(result.lines()))
    if "-v" in sys.argv:
        print("\n".join(["", *result.wrong, "", *result.wrong_cells]))
