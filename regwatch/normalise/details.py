"""Scope and detail of a provision (data/rules/details.yaml) and the stage a report speaks of
(data/rules/reports.yaml), each read from folded text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from regwatch.domain.models import Detail
from regwatch.domain.vocab import Scope, Stage
from regwatch.normalise import yamlfile

_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
_AGES = {"eighteen": 18, "nineteen": 19, "twenty": 20, "twentyone": 21}


@dataclass(frozen=True)
class _CapPattern:
    regex: re.Pattern[str]
    format: str


@dataclass(frozen=True)
class _Tables:
    scope: dict[Scope, tuple[re.Pattern[str], ...]]
    age: tuple[re.Pattern[str], ...]
    cap: tuple[_CapPattern, ...]
    licence: tuple[re.Pattern[str], ...]
    tax: tuple[re.Pattern[str], ...]


@cache
def _tables() -> _Tables:
    raw = yamlfile.load(_rules_file("details.yaml"))
    detail = raw["detail"]
    return _Tables(
        scope={Scope(k): tuple(re.compile(p) for p in v) for k, v in raw["scope"].items()},
        age=tuple(re.compile(p) for p in detail["age"]),
        cap=tuple(_CapPattern(re.compile(c["pattern"]), c["format"]) for c in detail["cap"]),
        licence=tuple(re.compile(p) for p in detail["licence"]),
        tax=tuple(re.compile(p) for p in detail["tax"]),
    )


def scope_of(folded: str) -> Scope | None:
    """What a clause governs, from its verbs: possession or three scopes make `all`, sale wins over making;
    None when it names no verb of any scope."""
    named = {scope for scope, patterns in _tables().scope.items() if any(p.search(folded) for p in patterns)}
    if not named:
        return None
    if Scope.POSSESSION in named or len(named) >= 3:
        return Scope.ALL
    if Scope.SALE in named:
        return Scope.SALE
    return next(iter(named)) if len(named) == 1 else Scope.ALL


def detail_of(folded: str) -> Detail:
    """Age limit, alkaloid cap, licence and tax a clause names (an empty Detail when none)."""
    tables = _tables()
    return Detail(
        age=_age(folded, tables.age),
        cap=_cap(folded, tables.cap),
        licence=any(p.search(folded) for p in tables.licence),
        tax=next((m.group(0) for p in tables.tax if (m := p.search(folded))), None),
    )


def merge_details(a: Detail, b: Detail) -> Detail:
    """Two details of one provision as one: the higher age, the first cap and tax, a licence if either."""
    ages = [x for x in (a.age, b.age) if x is not None]
    return Detail(
        age=max(ages) if ages else None, cap=a.cap or b.cap, licence=a.licence or b.licence, tax=a.tax or b.tax
    )


def _age(folded: str, patterns: tuple[re.Pattern[str], ...]) -> int | None:
    for pattern in patterns:
        match = pattern.search(folded)
        if match:
            word = re.sub(r"[\s-]", "", match.group("age"))
            return int(word) if word.isdigit() else _AGES.get(word)
    return None


def _cap(folded: str, patterns: tuple[_CapPattern, ...]) -> str | None:
    for cap in patterns:
        match = cap.regex.search(folded)
        if match:
            number = _NUMBERS.get(match.group("n"), match.group("n"))
            tail = " of the alkaloid fraction" if re.search(r"alkaloid (fraction|composition)", folded) else ""
            return cap.format.format(n=number, tail=tail)
    return None


class ReportRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    stage: Stage
    any: list[str]
    examples: list[str]

    def model_post_init(self, _context: object) -> None:
        self._patterns = tuple(re.compile(p) for p in self.any)

    def matches(self, folded: str) -> bool:
        return any(p.search(folded) for p in self._patterns)


@cache
def report_rules() -> tuple[ReportRule, ...]:
    return tuple(ReportRule.model_validate(item) for item in yamlfile.load(_rules_file("reports.yaml")))


def reported_stage(folded: str) -> tuple[Stage, str] | None:
    """The stage a report says an act reached, and the rule that said so; None when it says none."""
    for rule in report_rules():
        if rule.matches(folded):
            return rule.stage, rule.name
    return None


def _rules_file(name: str) -> str:
    return resources.files("regwatch.data.rules").joinpath(name).read_text(encoding="utf-8")
