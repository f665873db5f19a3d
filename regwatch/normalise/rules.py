"""Measure rules: loaded from data/rules/measures.yaml, applied in order, first match wins (in one clause)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from regwatch.domain.vocab import Measure, NoticeKind, Scope, Stage, Substance
from regwatch.normalise import yamlfile
from regwatch.normalise.prefilter import Search, holds_one

SubstanceMode = Literal["mentioned", "mentioned-or-kratom", "mentioned-or-7oh"] | list[Substance]


# "non-kratom substance" (KCPA wording for an adulterant) names no kratom: folded to "other substance", so
# that no kratom term is found in it (a clause about "a controlled substance" that is "nonkratom" must not
# read as kratom scheduled).
_NON_KRATOM = re.compile(r"\bnon ?-? ?kratom\b")


def fold_text(text: str) -> str:
    """Lower-case and fold white space, as every rule pattern expects."""
    folded = " ".join(text.lower().replace("\u2011", "-").replace("\u2013", "-").split())
    return _NON_KRATOM.sub("other", folded) if "kratom" in folded else folded


class RuleExample(BaseModel):
    """A real text (with its citation) and what it reads as: `measure` and `substances` of the rule that
    decides it, or, with `provisions`, every provision of the whole reading (clause by clause)."""

    model_config = ConfigDict(extra="forbid")
    text: str
    kind: NoticeKind = NoticeKind.OTHER
    expect: dict[str, object]
    source: str | None = Field(default=None, description="where the text was read (URL); required in languages/")


class Pattern(BaseModel):
    """A rule pattern, and strings one of which every match of it contains (`needs`, see prefilter.py).

    Written as a plain string (no needs: searched in every text that reaches it) or as
    `{needs: [...], pattern: '...'}`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    pattern: str
    needs: tuple[str, ...] = ()
    first_clause: bool = Field(
        default=False, description="searched only in a notice's first clause (its title), never in later ones"
    )

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: object) -> object:
        return {"pattern": value} if isinstance(value, str) else value

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"pattern {pattern!r} is not a regular expression: {exc}") from exc
        return pattern

    @field_validator("needs")
    @classmethod
    def _folded(cls, needs: tuple[str, ...]) -> tuple[str, ...]:
        # Patterns search folded texts: a needle folding would change can never be found in one.
        for needle in needs:
            if not needle or fold_text(f"|{needle}|") != f"|{needle}|":
                raise ValueError(f"needle {needle!r} is not folded text (lower case, single spaces)")
        return needs


class MeasureRule(BaseModel):
    """One named rule: conditions on the text, and the measure it assigns when they hold."""

    model_config = ConfigDict(extra="forbid")
    name: str
    description: str
    measure: Measure
    any: list[Pattern] = Field(default_factory=list)
    all: list[Pattern] = Field(default_factory=list)
    none: list[Pattern] = Field(default_factory=list)
    kinds: list[NoticeKind] = Field(default_factory=list)
    substances: SubstanceMode = "mentioned"
    scope: Scope | Literal["read"] = Field(
        default="read", description="what the provision governs; `read`: from the verbs of its clause (details.yaml)"
    )
    notice_only: bool = Field(
        default=False, description="decides for a whole notice only, not for one clause of it (no-kratom-term)"
    )
    clause_only: bool = Field(
        default=False,
        description="decides for the clause it reads only: the notice read whole is read without that clause (a "
        "ban denied or only weighed in one sentence must not make the whole notice a ban)",
    )
    escalates: bool | list[str] = Field(
        default=False,
        description="a clause it reads may set a stricter status than the notice read whole (true), or only "
        "than a notice read whole by the rules it names (see reading.py)",
    )

    escalates_from_title: list[str] = Field(
        default_factory=list,
        description="whole-notice rules a notice's title read by this rule may outrank, where its body may not "
        '("Brookhaven bans kratom" over a later sentence on the state\'s age limit)',
    )

    def may_escalate(self, over: MeasureRule, title: bool = False) -> bool:
        """Whether a clause this rule reads (the title, when `title`) may outrank, by strictness, a
        whole-notice reading by `over`."""
        if title and over.name in self.escalates_from_title:
            return True
        return self.escalates is True or (isinstance(self.escalates, list) and over.name in self.escalates)

    defers: bool = Field(
        default=False, description="its provision is dropped when another clause sets a status for the same substances"
    )
    background: bool = Field(
        default=False,
        description="an `unrelated` rule that recognises background (news of other places, private suits, "
        "science): a notice where it fires and no clause does anything is unrelated, not unclassified",
    )
    confidence: float = Field(ge=0, le=1)
    examples: list[RuleExample] = Field(min_length=1)

    def model_post_init(self, _context: object) -> None:
        # Compiled once. One alternation of a rule's patterns measured slower than searching each in
        # turn (benchmarks/README.md); each search first tests its pattern's needles (prefilter.py).
        self._none = tuple(Search(p.pattern, p.needs) for p in self.none)
        self._all = tuple(Search(p.pattern, p.needs) for p in self.all)
        self._any = tuple(Search(p.pattern, p.needs) for p in self.any)
        self._later = tuple(Search(p.pattern, p.needs) for p in self.any if not p.first_clause)
        # The rule fires only through one of its `any` patterns: a text with none of their needles is
        # out at once (None when some pattern declares none, and every text must be searched).
        needles = [s.needs for s in self._any]
        known = bool(needles) and all(needles)
        self._any_needles = tuple(sorted({n for ns in needles for n in ns})) if known else None

    def matches(self, folded: str, kind: NoticeKind, first: bool = True) -> str | None:
        """The pattern that made the rule fire (for the explanation), or None.

        `first` says the text is a notice's first clause (or the whole notice); later clauses are not
        searched with the patterns marked `first_clause`.
        """
        if self.kinds and kind not in self.kinds:
            return None
        if self._any_needles is not None and not holds_one(self._any_needles, folded):
            return None
        # Plain loops, not any()/all() over generators: this runs ~100 times per notice.
        for search in self._none:
            if search.found(folded):
                return None
        for search in self._all:
            if not search.found(folded):
                return None
        if not self._any:
            return "(default)" if not self.all else self.all[0].pattern
        for search in self._any if first else self._later:
            if search.found(folded):
                return search.text
        return None


@cache
def measure_rules() -> tuple[MeasureRule, ...]:
    raw = yamlfile.load(_rules_file("measures.yaml"))
    return tuple(MeasureRule.model_validate(item) for item in raw)


@cache
def substance_patterns() -> dict[Substance, tuple[re.Pattern[str], ...]]:
    """Per substance, the patterns that name it: substances.yaml (English and Latin names), then each
    language's own names (languages/*.yaml), as one alternation per language."""
    raw = yamlfile.load(_rules_file("substances.yaml"))
    patterns = {Substance(k): [re.compile(p) for p in v] for k, v in raw.items()}
    for table in language_tables().values():
        for substance, names in table.names.items():
            if names:
                patterns.setdefault(substance, []).append(re.compile("|".join(f"(?:{n})" for n in names)))
    return {s: tuple(ps) for s, ps in patterns.items()}


class StageExample(BaseModel):
    """A real text in the language, with its citation, that names the stage a stage rule reads."""

    model_config = ConfigDict(extra="forbid")
    text: str
    source: str = Field(description="where the text was read (URL)")


class LanguageStageRule(BaseModel):
    """The words of one language that say what stage an act it reports has reached (adopted, signed,
    in force, proposed, draft), as reports.yaml says it for English."""

    model_config = ConfigDict(extra="forbid")
    name: str
    stage: Stage
    any: list[Pattern] = Field(min_length=1)
    examples: list[StageExample] = Field(min_length=1)

    def model_post_init(self, _context: object) -> None:
        self._any = tuple(Search(p.pattern, p.needs) for p in self.any)

    def matches(self, folded: str) -> bool:
        return any(s.found(folded) for s in self._any)


class VocabularyExample(BaseModel):
    """A real text in the language, with its citation, and whether it speaks of a law, an authority or an
    enforcement (`acts`)."""

    model_config = ConfigDict(extra="forbid")
    text: str
    source: str = Field(description="where the text was read (URL)")
    acts: bool


class ActVocabulary(BaseModel):
    """The words by which a text in one language speaks of law, authority or enforcement (law, decree,
    ministry, ban, illegal, narcotic list, licence, police, customs, seizure, court, fine ...), in their
    inflected forms. A text that names kratom, that no rule of its language reads and that holds none of
    them is background (unrelated); one that holds any stays unclassified. A ban read as unrelated is a
    dangerous confusion: a word is listed whenever in doubt."""

    model_config = ConfigDict(extra="forbid")
    patterns: list[Pattern] = Field(min_length=1)
    examples: list[VocabularyExample] = Field(min_length=1)

    def model_post_init(self, _context: object) -> None:
        self._searches = tuple(Search(p.pattern, p.needs) for p in self.patterns)

    def act_word(self, folded: str) -> str | None:
        """The pattern by which a folded text speaks of an act, or None when it speaks of none."""
        for search in self._searches:
            if search.found(folded):
                return search.text
        return None


class LanguageRules(BaseModel):
    """One language's data (languages/<code>.yaml): kratom's names in it, and rules for its texts.

    A text in this language is read whole (not clause by clause: Thai, Japanese and Chinese mark no word
    boundaries, and their sentences do not end as English ones do) by these rules, first match wins; when
    none fires, its `acts` vocabulary decides: background (`unrelated`) where the text holds no word of law,
    authority or enforcement, else `unclassified` (review); it is never read by the English rules. Its `stages` say,
    first match wins, what stage the act a report in this language speaks of has reached (the English
    words of reports.yaml are not read in it).
    """

    model_config = ConfigDict(extra="forbid")
    language: str = Field(pattern=r"^[a-z]{2}$")
    name: str
    names: dict[Substance, list[str]] = Field(default_factory=dict)
    rules: list[MeasureRule] = Field(default_factory=list)
    stages: list[LanguageStageRule] = Field(default_factory=list)
    acts: ActVocabulary | None = Field(
        default=None, description="words that speak of law, authority or enforcement (see ActVocabulary)"
    )

    @field_validator("names")
    @classmethod
    def _names_compile(cls, names: dict[Substance, list[str]]) -> dict[Substance, list[str]]:
        for substance, patterns in names.items():
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"{substance.value} name {pattern!r} is not a regular expression: {exc}") from exc
        return names


# Codes lingua reports that share one rules file.
LANGUAGE_ALIASES = {"nn": "nb", "no": "nb"}


@cache
def language_tables() -> dict[str, LanguageRules]:
    """Every language's table, by ISO 639-1 code."""
    folder = resources.files("regwatch.data.rules").joinpath("languages")
    tables = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            table = LanguageRules.model_validate(yamlfile.load(entry.read_text(encoding="utf-8")))
            if entry.name != f"{table.language}.yaml":
                raise ValueError(f"languages/{entry.name} declares language {table.language}")
            tables[table.language] = table
    return tables


def language_rules(code: str) -> tuple[MeasureRule, ...]:
    """The rules for texts in language `code` (empty when it has none)."""
    table = language_table(code)
    return tuple(table.rules) if table else ()


def language_table(code: str) -> LanguageRules | None:
    """The table of language `code` (its aliases resolved), or None when it has none."""
    return language_tables().get(LANGUAGE_ALIASES.get(code, code))


@cache
def no_act_rule(code: str) -> MeasureRule:
    """The background rule a text in language `code` falls to when no rule of the language reads it and
    its act vocabulary finds no word of law, authority or enforcement in it (reading.read_in)."""
    table = language_table(code)
    assert table is not None and table.acts is not None, f"language {code} has no act vocabulary"
    quiet = [e for e in table.acts.examples if not e.acts] or table.acts.examples
    return MeasureRule(
        name=f"{table.language}-no-act-named",
        description=f"names kratom; nothing in {table.name} speaks of a law, an authority or an enforcement "
        "(languages/" + f"{table.language}.yaml, acts): background, not an act",
        measure=Measure.UNRELATED,
        substances=[],
        background=True,
        confidence=0.6,
        examples=[RuleExample(text=e.text, source=e.source, expect={"measure": "unrelated"}) for e in quiet],
    )


def language_stage(code: str, folded: str) -> tuple[Stage, str] | None:
    """The stage a folded text in language `code` says an act reached, and the rule that said so; None
    when the language has no stage words or none is in the text."""
    table = language_table(code)
    for rule in table.stages if table else ():
        if rule.matches(folded):
            return rule.stage, rule.name
    return None


def all_rules() -> tuple[MeasureRule, ...]:
    """The English rules, then every language's."""
    return (*measure_rules(), *(r for t in language_tables().values() for r in t.rules))


def names_kratom(folded: str) -> bool:
    """Whether a folded text names kratom or one of its alkaloids, in any language watched."""
    return measure_rules()[0].matches(folded, NoticeKind.OTHER) is None


# "any synthetic alkaloid, including synthetic mitragynine, synthetic 7-hydroxymitragynine" (KCPA wording)
# names synthetic alkaloids only: where a text speaks of synthetic alkaloids or synthetically derived
# compounds, "synthetic <alkaloid>" is read as a synthetic, not as the natural alkaloid it imitates.
_SYNTHETIC_TOPIC = ("synthetic alkaloid", "synthetically derived")
_SYNTHETIC_FORM = re.compile(r"\bsynthetic(?:ally derived)? (?:7 ?-? ?hydroxymitragynine|7-?oh\b|mitragynine)")


def substances_named(folded: str) -> list[Substance]:
    """The substances a folded text names, in vocabulary order."""
    patterns = substance_patterns()
    if holds_one(_SYNTHETIC_TOPIC, folded):
        folded = _SYNTHETIC_FORM.sub("synthetic alkaloid", folded)
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


def first_match(folded: str, kind: NoticeKind, first: bool = True, clause: bool = False) -> tuple[MeasureRule, str]:
    """The first rule that fires on a text, and the pattern that fired.

    `clause`: the text is one clause of a notice that names kratom, so the rules that decide only for a
    whole notice are skipped; `first`: it is the notice's first clause (its title) or the whole notice.
    """
    for rule in measure_rules():
        if clause and rule.notice_only:
            continue
        hit = rule.matches(folded, kind, first)
        if hit is not None:
            return rule, hit
    raise LookupError("no measure rule matched; measures.yaml must end with a catch-all rule")


def _rules_file(name: str) -> str:
    return resources.files("regwatch.data.rules").joinpath(name).read_text(encoding="utf-8")
