"""Bill action descriptions -> stages, by the rule table in data/rules/stages.yaml."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict

from regwatch.domain.models import NoticeAction, StageEvent
from regwatch.domain.vocab import ENDED_STAGES, Stage
from regwatch.normalise import yamlfile
from regwatch.normalise.rules import fold_text

# How far along a measure is; an action that would move it back (a committee referral after passage)
# is a procedural step, not a new stage.
PROGRESS = {
    Stage.PUBLISHED: 0,
    Stage.PROPOSED: 1,
    Stage.INTRODUCED: 1,
    Stage.PASSED_CHAMBER: 2,
    Stage.PASSED_LEGISLATURE: 3,
    Stage.ENACTED: 4,
    Stage.EFFECTIVE: 5,
}


class StageRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    stage: Stage
    any: list[str]
    chamber: Literal["upper", "lower"] | None = None
    examples: list[str]

    def model_post_init(self, _context: object) -> None:
        self._patterns = tuple(re.compile(p) for p in self.any)

    def matches(self, folded: str) -> bool:
        return any(p.search(folded) for p in self._patterns)


@cache
def stage_rules() -> tuple[StageRule, ...]:
    text = resources.files("regwatch.data.rules").joinpath("stages.yaml").read_text(encoding="utf-8")
    return tuple(StageRule.model_validate(item) for item in yamlfile.load(text))


# Bills share most of their action wording ("Read first time", "Referred to Judiciary"): a run reads the
# same few thousand descriptions over and over, so each is classified once.
@lru_cache(maxsize=65536)
def classify_action(description: str) -> StageRule | None:
    """The rule that classifies one action description, or None for a procedural step."""
    folded = fold_text(description)
    return next((rule for rule in stage_rules() if rule.matches(folded)), None)


def history_from_actions(actions: list[NoticeAction], start: StageEvent) -> list[StageEvent]:
    """Fold a bill's actions into its stage history, beginning with `start` (introduction)."""
    history = [start]
    chambers: set[str] = set()
    for action in sorted(actions, key=lambda a: a.date):
        rule = classify_action(action.description)
        if rule is None:
            continue
        stage = rule.stage
        if stage is Stage.PASSED_CHAMBER:
            chambers.add(rule.chamber or f"unnamed-{len(chambers)}")
            if len(chambers) >= 2:
                stage = Stage.PASSED_LEGISLATURE
        current = history[-1].stage
        if current in ENDED_STAGES and stage not in (Stage.ENACTED,):
            continue
        if stage not in ENDED_STAGES and PROGRESS.get(stage, 0) <= PROGRESS.get(current, 0):
            continue
        history.append(StageEvent(date=action.date, stage=stage))
    return history
