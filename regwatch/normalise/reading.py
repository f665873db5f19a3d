"""A notice's title and text -> its provisions, clause by clause.

The notice read whole (first match, as the rules were tuned) gives a base provision. Each clause
(clauses.py) is then read with the same rules, first match wins inside it; every provision found is kept
with the scope and detail read from its clause, except that a clause may set a stricter status than the
base only through a rule marked `escalates` (a 7-OH cap or synthetic ban inside a consumer protection act,
a Schedule I placement in the body of a bill titled as a regulation), or where the rule lets the title say
more than the whole (`escalates_from_title`: "Brookhaven bans kratom" over the state's age limit told
after it): descriptive clauses of news ("kratom is banned in six states") must not turn a report into a
ban. Where no clause does anything, a clause that a
rule marks as an act it cannot read (unclassified) outranks background (news of elsewhere, science, trade):
an unread ban is never reported as unrelated. Provisions of one measure and scope are merged
(their substances joined, their details merged), except that a provision carrying an alkaloid cap stays
apart from one without it: "7-OH <= 2%" is not a limit on synthetic alkaloids. A withdrawal takes back
every provision it quotes, and a repeal the bans it quotes ("removes mitragynine from Schedule I"). The
principal provision (models.principal: what it does to the leaf, else the strictest status) comes first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from regwatch.domain.models import Detail, Provision, principal
from regwatch.domain.vocab import STATUS_MEASURES, STATUS_STRICTNESS, Measure, NoticeKind, Scope, Substance
from regwatch.normalise.clauses import clauses
from regwatch.normalise.details import detail_of, merge_details, scope_of
from regwatch.normalise.rules import (
    MeasureRule,
    SubstanceMode,
    first_match,
    fold_text,
    language_rules,
    language_table,
    measure_rules,
    no_act_rule,
    resolve_substances,
    substances_named,
)

# Measures with a scope and limits worth reading; the others (news) govern nothing.
_GOVERNING = (Measure.BAN, Measure.RESTRICT, Measure.REGULATE)
# Among provisions that set no status, which leads: a withdrawal is what a notice that quotes a ban does.
_NEWS_ORDER = (Measure.WITHDRAW, Measure.ENFORCE, Measure.PROTECT, Measure.STUDY)


@dataclass
class Found:
    """One provision and the rule, pattern and clause that gave it."""

    provision: Provision
    rule: MeasureRule
    pattern: str
    clause: str
    also: list[str] = field(default_factory=list)
    title: bool = False  # read from the notice's first clause

    def why(self) -> str:
        return f"{self.rule.name}: {self.rule.description} (matched /{self.pattern}/)"


@dataclass(frozen=True)
class Reading:
    """Every provision of a notice, the principal first, with the findings that gave them."""

    found: list[Found]
    taken_back: list[Found]

    @property
    def provisions(self) -> list[Provision]:
        return [f.provision for f in self.found]

    @property
    def principal(self) -> Found:
        return self.found[0]

    @property
    def confidence(self) -> float:
        return self.principal.rule.confidence

    def explain(self) -> str:
        """The principal rule, then the other provisions and what a withdrawal or repeal took back."""
        words = [self.principal.why()]
        if len(self.found) > 1:
            words.append("Also: " + "; ".join(f"{_short(f.provision)} ({f.rule.name})" for f in self.found[1:]) + ".")
        if self.taken_back:
            words.append(
                "Taken back (quoted by a withdrawal or repeal): "
                + "; ".join(_short(f.provision) for f in self.taken_back)
                + "."
            )
        return " ".join(words)


ENGLISH = "en"


@lru_cache(maxsize=16384)
def read(title: str, text: str, kind: NoticeKind, language: str = ENGLISH) -> Reading:
    """The provisions of a notice, read clause by clause (cached: bills share titles and summaries, and a
    run reads many versions of one bill; callers must not mutate the reading or its provisions).

    A text in another language is read by that language's rules (`read_in`), not by the English ones."""
    if language != ENGLISH:
        return read_in(language, title, text, kind)
    whole = fold_text(f"{title}. {text}")
    for rule in measure_rules():
        if rule.notice_only and (hit := rule.matches(whole, kind)) is not None:
            substances = resolve_substances(rule.substances, whole)
            return Reading([Found(Provision(measure=rule.measure, substances=substances), rule, hit, whole)], [])
    named = substances_named(whole)
    found: list[Found] = []
    background: Found | None = None  # a clause recognised as background (news of elsewhere, science, ...)
    abstain: Found | None = None  # a clause a rule marks as an act it cannot read (a ban sought, unread)
    catch_all = measure_rules()[-1]
    for number, clause in enumerate(clauses(title, text)):
        folded = fold_text(clause.text)
        rule, pattern = _clause_rule(folded, kind, number == 0)
        if rule.measure in (Measure.UNRELATED, Measure.UNCLASSIFIED):
            if rule.background and background is None:
                background = Found(Provision(measure=rule.measure, substances=[]), rule, pattern, folded)
            elif rule.measure is Measure.UNCLASSIFIED and rule is not catch_all and abstain is None:
                abstain = Found(Provision(measure=rule.measure, substances=named), rule, pattern, folded)
            continue
        provision = _provision(rule, folded, fold_text(clause.stem), named)
        found.append(Found(provision, rule, pattern, folded, title=number == 0))
    base_rule, base_pattern = first_match(whole, kind, clause=True)
    if base_rule.measure not in (Measure.UNRELATED, Measure.UNCLASSIFIED):
        base = Found(_provision(base_rule, whole, "", named), base_rule, base_pattern, whole)
        found = [f for f in found if f.rule.may_escalate(base_rule, f.title) or _strictness(f) <= _strictness(base)]
        if all(f.provision.measure is not base.provision.measure for f in found):
            found = [base, *found]  # the clauses refine the base reading where they read its measure
    if not found and abstain is not None:
        return Reading([abstain], [])  # an act no rule reads: the background around it must not make it unrelated
    if not found and background is not None:
        return Reading([background], [])  # it only tells of others: unrelated, not a text the rules cannot read
    if not found:
        default = Found(Provision(measure=catch_all.measure, substances=named), catch_all, "(default)", whole)
        return Reading([default], [])
    merged = _merge(found)
    kept, taken_back = _take_back(merged)
    lead = principal([f.provision for f in kept])
    ordered = sorted(kept, key=_order)
    first = next(f for f in ordered if f.provision is lead or f.provision == lead)
    return Reading([first, *(f for f in ordered if f is not first)], taken_back)


def read_in(language: str, title: str, text: str, kind: NoticeKind) -> Reading:
    """A notice in `language` read whole by that language's rules (languages/<code>.yaml), first match wins.

    When none fires, the language's act vocabulary (languages/<code>.yaml, `acts`) decides: a text that
    holds no word of law, authority or enforcement is background (`unrelated`: health, science, trade,
    culture); one that holds any, or one in a language with no vocabulary, is `unclassified` (it goes to
    review). The English rules are not tried on it, since an English word inside a foreign text
    ("7-Hydroxymitragynine", a quoted title) says nothing of what the foreign sentence around it does.
    """
    whole = fold_text(f"{title}. {text}")
    named = substances_named(whole)
    if not named:  # names nothing of kratom in any script: unrelated, as in English
        rule = measure_rules()[0]
        return Reading([Found(Provision(measure=rule.measure, substances=[]), rule, "(no kratom term)", whole)], [])
    for rule in language_rules(language):
        hit = rule.matches(whole, kind)
        if hit is not None:
            return Reading([Found(_provision(rule, whole, "", named), rule, hit, whole)], [])
    table = language_table(language)
    if table is not None and table.acts is not None:
        act = table.acts.act_word(whole)
        if act is None:
            rule = no_act_rule(table.language)
            return Reading([Found(Provision(measure=rule.measure, substances=[]), rule, "(no act word)", whole)], [])
        why = f"(no {language} rule matched; it speaks of an act: /{act}/)"
    else:
        why = f"(no {language} rule matched)"
    catch = measure_rules()[-1]
    return Reading([Found(Provision(measure=catch.measure, substances=named), catch, why, whole)], [])


def _strictness(f: Found) -> int:
    status = f.provision.status
    return STATUS_STRICTNESS[status] if status is not None else -1


@lru_cache(maxsize=65536)
def _clause_rule(folded: str, kind: NoticeKind, first: bool) -> tuple[MeasureRule, str]:
    # Generated and real corpora repeat clauses ("Referred to committee", act names): each is read once.
    return first_match(folded, kind, first=first, clause=True)


# Clauses up to this long are read through caches: clauses repeat across notices (boilerplate, act names,
# "Referred to committee") even where whole texts do not; a whole notice is seldom read twice, and would
# only fill the caches with long strings.
CLAUSE_CACHE_LIMIT = 600


@lru_cache(maxsize=65536)
def _clause_substances(mode: SubstanceMode, folded: str) -> tuple[Substance, ...]:
    return tuple(resolve_substances(mode, folded))  # a mode named by a string (hashable): see _substances


@lru_cache(maxsize=65536)
def _clause_scope(folded: str) -> Scope | None:
    return scope_of(folded)


@lru_cache(maxsize=65536)
def _clause_detail(folded: str) -> Detail:
    return detail_of(folded)  # shared: _provision only reads its fields into a new Detail


def _substances(rule: MeasureRule, folded: str) -> list[Substance]:
    if isinstance(rule.substances, str) and len(folded) <= CLAUSE_CACHE_LIMIT:
        return list(_clause_substances(rule.substances, folded))
    return resolve_substances(rule.substances, folded)


def _scope(folded: str) -> Scope | None:
    return _clause_scope(folded) if len(folded) <= CLAUSE_CACHE_LIMIT else scope_of(folded)


def _detail(folded: str) -> Detail:
    return _clause_detail(folded) if len(folded) <= CLAUSE_CACHE_LIMIT else detail_of(folded)


def _provision(rule: MeasureRule, folded: str, stem: str, named: list[Substance]) -> Provision:
    substances = _substances(rule, folded)
    if not substances and rule.substances == "mentioned":
        substances = list(named)  # a clause that names nothing speaks of what the notice names
    if rule.measure not in _GOVERNING:
        return Provision(measure=rule.measure, substances=substances)
    if rule.scope != "read":
        scope = Scope(rule.scope)
    else:
        scope = _scope(folded) or (_scope(stem) if stem else None) or Scope.ALL
    detail = _detail(folded)
    if rule.measure is Measure.REGULATE:
        detail = Detail(age=detail.age, licence=detail.licence, tax=detail.tax)
    elif rule.measure is Measure.RESTRICT:
        detail = Detail(cap=detail.cap)
    else:
        detail = Detail()
    return Provision(measure=rule.measure, substances=substances, scope=scope, detail=detail)


def _merge(found: list[Found]) -> list[Found]:
    """One provision per measure, scope and cap: substances joined in vocabulary order, details merged."""
    groups: dict[tuple[Measure, Scope, str | None], Found] = {}
    for f in found:
        p = f.provision
        key = (p.measure, p.scope, p.detail.cap)
        if key not in groups:
            groups[key] = f
            continue
        lead = groups[key]
        joined = set(lead.provision.substances) | set(p.substances)
        lead.provision = Provision(
            measure=p.measure,
            substances=[s for s in Substance if s in joined],
            scope=p.scope,
            detail=merge_details(lead.provision.detail, p.detail),
        )
        lead.also.append(f.rule.name)
    return list(groups.values())


def _take_back(found: list[Found]) -> tuple[list[Found], list[Found]]:
    """Drop what a withdrawal or a repeal in the same notice quotes: it is taken back, not enacted."""
    measures = {f.provision.measure for f in found}
    decided = {s for f in found if f.provision.status is not None and not f.rule.defers for s in f.provision.substances}
    deferring = [f for f in found if f.rule.defers and set(f.provision.substances) <= decided]
    found = [f for f in found if f not in deferring]
    if Measure.WITHDRAW in measures:
        gone = [f for f in found if f.provision.measure in STATUS_MEASURES]
    elif Measure.UNBAN in measures:
        freed = {s for f in found if f.provision.measure is Measure.UNBAN for s in f.provision.covers()}
        gone = [f for f in found if f.provision.measure is Measure.BAN and freed & set(f.provision.covers())]
    else:
        gone = []
    return [f for f in found if f not in gone], gone


def _order(f: Found) -> tuple[int, int]:
    status = f.provision.status
    if status is not None:
        return (0, -STATUS_STRICTNESS[status])
    measure = f.provision.measure
    return (1, _NEWS_ORDER.index(measure) if measure in _NEWS_ORDER else len(_NEWS_ORDER))


def _short(p: Provision) -> str:
    words = [p.measure.value, ",".join(s.value for s in p.substances) or "-"]
    described = p.describe()
    return " ".join(words) + (f" ({described})" if described else "")
