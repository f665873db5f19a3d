"""Measure rules: loaded from data/rules/measures.yaml, applied in order, first match wins."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from regwatch.domain.vocab import Measure, NoticeKind, Substance
from regwatch.normalise.prefilter import could_match, required_literals

SubstanceMode = Literal["mentioned", "mentioned-or-kratom", "mentioned-or-7oh"] | list[Substance]


def fold_text(text: str) -> str:
    """Lower-case and fold white space, as every rule pattern expects."""
    return " ".join(text.lower().replace("\u2011", "-").replace("\u2013", "-").split())


class RuleExample(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    kind: NoticeKind = NoticeKind.OTHER
    expect: dict[str, object]


class MeasureRule(BaseModel):
    """One named rule: conditions on the text, and the measure it assigns when they hold."""

    model_config = ConfigDict(extra="forbid")
    name: str
    description: str
    measure: Measure
    any: list[str] = Field(default_factory=list)
    all: list[str] = Field(default_factory=list)
    none: list[str] = Field(default_factory=list)
    kinds: list[NoticeKind] = Field(default_factory=list)
    substances: SubstanceMode = "mentioned"
    confidence: float = Field(ge=0, le=1)
    examples: list[RuleExample] = Field(min_length=1)

    @field_validator("any", "all", "none")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} is not a regular expression: {exc}") from exc
        return patterns

    def model_post_init(self, _context: object) -> None:
        # Compiled once; one alternation of these patterns measured slower than searching each in turn.
        # Each carries the literals any match must contain (prefilter.py): a substring test first skips
        # most searches, with the same results.
        self._none = tuple((re.compile(p), required_literals(p)) for p in self.none)
        self._any = tuple((p, re.compile(p), required_literals(p)) for p in self.any)
        self._all = tuple((re.compile(p), required_literals(p)) for p in self.all)
        # The rule fires only through one of its `any` patterns: a text with none of their literals is
        # out at once (None when some pattern has no literal, and every text must be searched).
        needles = [n for _text, _p, n in self._any]
        self._any_needles = None if None in needles else tuple(sorted({x for n in needles for x in n or ()}))

    def matches(self, folded: str, kind: NoticeKind) -> str | None:
        """The pattern that made the rule fire (for the explanation), or None."""
        if self.kinds and kind not in self.kinds:
            return None
        if self._any and not could_match(self._any_needles, folded):
            return None
        # Plain loops, not any()/all() over generators: this runs ~100 times per notice.
        for pattern, needles in self._none:
            if could_match(needles, folded) and pattern.search(folded):
                return None
        for pattern, needles in self._all:
            if not (could_match(needles, folded) and pattern.search(folded)):
                return None
        if not self._any:
            return "(default)" if not self.all else self.all[0]
        for text, pattern, needles in self._any:
            if could_match(needles, folded) and pattern.search(folded):
                return text
        return None


@cache
def measure_rules() -> tuple[MeasureRule, ...]:
    raw = yaml.safe_load(_rules_file("measures.yaml"))
    return tuple(MeasureRule.model_validate(item) for item in raw)


@cache
def substance_patterns() -> dict[Substance, tuple[re.Pattern[str], ...]]:
    raw = yaml.safe_load(_rules_file("substances.yaml"))
    return {Substance(k): tuple(re.compile(p) for p in v) for k, v in raw.items()}


def substances_named(folded: str) -> list[Substance]:
    """The substances a folded text names, in vocabulary order."""
    patterns = substance_patterns()
    return [s for s in Substance if any(p.search(folded) for p in patterns.get(s, ()))]


def resolve_substances(mode: SubstanceMode, folded: str) -> list[Substance]:
    """Turn a rule's `substances` setting into the list for one text."""
    if isinstance(mode, list):
        return list(mode)
    named = substances_named(folded)
    if mode == "mentioned-or-kratom":
        return named if Substance.KRATOM in named else [Substance.KRATOM, *named]
    if mode == "mentioned-or-7oh":
        narrow: list[Substance] = [s for s in named if s is not Substance.KRATOM]
        return narrow or [Substance.SEVEN_OH]
    return named


def first_match(folded: str, kind: NoticeKind) -> tuple[MeasureRule, str]:
    """The first rule that fires on a text, and the pattern that fired."""
    for rule in measure_rules():
        hit = rule.matches(folded, kind)
        if hit is not None:
            return rule, hit
    raise LookupError("no measure rule matched; measures.yaml must end with a catch-all rule")


def _rules_file(name: str) -> str:
    return resources.files("regwatch.data.rules").joinpath(name).read_text(encoding="utf-8")
