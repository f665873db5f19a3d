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
from regwatch.normalise.acts import operative, speaks_of_law
from regwatch.normalise.clauses import Clause, clauses
from regwatch.normalise.details import detail_of, merge_details, scope_of
from regwatch.normalise.places import elsewhere, is_own, localities_named, places_named, survey
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
    also_clauses: list[str] = field(default_factory=list)  # the clauses of the findings merged into this one
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


def read(title: str, text: str, kind: NoticeKind, language: str = ENGLISH, place: str | None = None) -> Reading:
    """The provisions of a notice, read clause by clause (cached: bills share titles and summaries, and a
    run reads many versions of one bill; callers must not mutate the reading or its provisions).

    `place` is the notice's own jurisdiction: a clause that acts for other places only is background
    (places.py). A text in another language is read by that language's rules (`read_in`), not by the
    English ones."""
    if language != ENGLISH:
        return read_in(language, title, text, kind)
    # The place matters only where a clause that acts names places: the others share one reading across
    # jurisdictions (the same bill title in many states), kept apart from the cache by place.
    placeless = _PLACELESS.get((title, text, kind))
    if placeless is not None:
        return placeless
    reading, placed = _read_english(title, text, kind, place)
    if not placed:
        if len(_PLACELESS) >= PLACELESS_LIMIT:
            _PLACELESS.clear()
        _PLACELESS[(title, text, kind)] = reading
    return reading


# Readings that no place decided, by title, text and kind; emptied when full (a bounded cache, as lru_cache is).
_PLACELESS: dict[tuple[str, str, NoticeKind], Reading] = {}
PLACELESS_LIMIT = 16384


@lru_cache(maxsize=16384)
def _read_english(title: str, text: str, kind: NoticeKind, place: str | None) -> tuple[Reading, bool]:
    """`read` for an English text (cached), and whether a clause that acts named a place."""
    placed: list[bool] = []
    return _read_english_uncached(title, text, kind, place, placed), bool(placed)


def _read_english_uncached(title: str, text: str, kind: NoticeKind, place: str | None, placed: list[bool]) -> Reading:
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
    away: list[Found] = []  # clauses that act for other places only or list the law of several (places.py),
    # and clauses a `clause_only` rule reads (a ban denied or weighed): the notice read whole is read without them
    here: list[str] = []  # the clauses that do not: the notice read whole is read from them
    every: list[str] = []  # every clause, folded
    for number, clause in enumerate(clauses(title, text)):
        folded = fold_text(clause.text)
        every.append(folded)
        rule, pattern = _clause_rule(folded, kind, number == 0)
        if rule.measure not in (Measure.UNRELATED, Measure.UNCLASSIFIED) and _away(folded, clause, kind, place, placed):
            away.append(Found(_provision(rule, folded, "", named), rule, pattern, folded))
            continue
        if rule.clause_only:
            away.append(Found(Provision(measure=rule.measure, substances=named), rule, pattern, folded))
        else:
            here.append(clause.text)
        if rule.measure in (Measure.UNRELATED, Measure.UNCLASSIFIED):
            if rule.background and background is None:
                background = Found(Provision(measure=rule.measure, substances=[]), rule, pattern, folded)
            elif rule.measure is Measure.UNCLASSIFIED and rule is not catch_all and abstain is None:
                abstain = Found(Provision(measure=rule.measure, substances=named), rule, pattern, folded)
            continue
        if rule.measure is Measure.RESTRICT and kind in _REPORT_KINDS and not speaks_of_law(folded):
            continue  # a report naming "concentrated 7-OH products" restricts nothing (acts.py)
        provision = _provision(rule, folded, fold_text(clause.stem), named)
        found.append(Found(provision, rule, pattern, folded, title=number == 0))
    if away:
        whole = fold_text(". ".join(here))  # what the notice does is read without what others did or did not do
    acted_away = [f for f in away if not f.rule.clause_only]
    own_named = bool(acted_away) and _names_own(every, place)
    if acted_away:
        told = _away_reading(acted_away[0], own_named)
        if own_named and background is None:
            background = told
        elif not own_named and abstain is None:
            abstain = told
    base_rule, base_pattern = first_match(whole, kind, clause=True)
    if base_rule.measure is Measure.RESTRICT and kind in _REPORT_KINDS and not _base_speaks_of_law(base_rule, here):
        base_rule, base_pattern = catch_all, "(products named, no law)"  # as the clauses are read (acts.py)
    # A law's own text read whole still tells what it does (a bill "Relating to Controlled Substances"). In a
    # report, a status told beside other places' acts, in a clause that names no place of the notice's own
    # and tells no act done, is theirs too ("Thailand takes kratom off illegal drug list. Kratom had been
    # listed as a Category 5 narcotic."): residue, like the rest of the text read whole.
    residue = bool(acted_away) and kind not in _LAW_KINDS and all(_told_of_them(f, place) for f in found)
    if residue and found:  # unsure whose act it tells: abstain, never unrelated
        return Reading([_away_reading(found[0], own_named=False)], [])
    if base_rule.measure not in (Measure.UNRELATED, Measure.UNCLASSIFIED) and not residue:
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
    lede = found[0]  # the first act the notice tells (its title, or the first clause that acts)
    merged = _merge(found)
    kept, taken_back = _take_back(merged)
    lead = principal([f.provision for f in kept])
    ordered = sorted(kept, key=_order)
    first = next(f for f in ordered if f.provision is lead or f.provision == lead)
    if _enforcement_leads(lede, first, kind) and lede in kept:
        first = lede  # what the authority did, not the law it enforces, as the clause that tells it describes
    return Reading([first, *(f for f in ordered if f is not first)], taken_back)


# Kinds that report an act rather than make one (classify.REPORT_KINDS).
_REPORT_KINDS = (NoticeKind.PRESS_RELEASE, NoticeKind.ADVISORY, NoticeKind.GUIDANCE, NoticeKind.OTHER)
# Kinds that make law: their clauses are the law itself, not a report of an act beside it.
_LAW_KINDS = (NoticeKind.BILL, NoticeKind.STATUTE, NoticeKind.RULE, NoticeKind.EMERGENCY_RULE, NoticeKind.ORDINANCE)


def _enforcement_leads(lede: Found, first: Found, kind: NoticeKind) -> bool:
    """Whether a notice whose first act is enforcement is led by it rather than by a restriction or a rule of
    sale its other clauses describe (acts.py): "Feds seize 7-OH products ... the FDA wants to classify 7-OH as a
    Schedule 1 drug" is enforcement news, and so is a licence suspended for selling "to customers under 21";
    "agents seized 7-OH products after the state banned them" is a restriction. A ban is left to lead (an
    agency that declares kratom illegal to sell bans its sale)."""
    return (
        kind not in _LAW_KINDS
        and lede.provision.measure is Measure.ENFORCE
        and first.provision.measure in (Measure.RESTRICT, Measure.REGULATE)
        and not operative(first.clause)
        and not any(operative(fold_text(c)) for c in first.also_clauses)
    )


def _away(folded: str, clause: Clause, kind: NoticeKind, place: str | None, placed: list[bool]) -> bool:
    """Whether an acting clause tells of other places only, lists the law of several, or is an item of a list
    its lead-in says tells of the law elsewhere (places.py, `_under_background`); `placed` is told when the
    clause names a place at all."""
    named = _places(folded)
    localities = _localities(folded) if place is not None and ":" in place else frozenset()
    if named or localities:
        placed.append(True)
    return elsewhere(named, place, localities) or survey(named, place) or _under_background(clause, kind)


def _names_own(clauses_read: list[str], place: str | None) -> bool:
    """Whether some clause names the notice's own place (or one above or within it)."""
    return place is not None and any(is_own(p, place) for c in clauses_read for p in _places(c))


@lru_cache(maxsize=65536)
def _places(folded: str) -> frozenset[str]:
    return places_named(folded)  # clauses repeat across notices, as for _clause_rule


@lru_cache(maxsize=65536)
def _localities(folded: str) -> frozenset[str]:
    return localities_named(folded)


def _base_speaks_of_law(rule: MeasureRule, here: list[str]) -> bool:
    """Whether some clause a restriction rule reads in a report speaks of law (see `speaks_of_law`)."""
    clauses_read = [fold_text(c) for c in here]
    return any(rule.matches(c, NoticeKind.OTHER) is not None and speaks_of_law(c) for c in clauses_read)


def _told_of_them(found: Found, place: str | None) -> bool:
    """Whether a status a clause describes, naming no place of the notice's own, belongs with the other
    places' acts told around it (see `read`)."""
    own = place is not None and any(is_own(p, place) for p in _places(found.clause))
    return found.provision.status is not None and not own and not operative(found.clause)


def _under_background(clause: Clause, kind: NoticeKind) -> bool:
    """Whether a clause is an item of a list its lead-in says tells of the law elsewhere ("Here are the
    states where kratom is currently prohibited: 1. Alabama ...")."""
    if not clause.stem:
        return False
    rule, _ = _clause_rule(fold_text(clause.stem), kind, False)
    return rule.background


def _away_reading(found: Found, own_named: bool) -> Found:
    """What a notice whose only acts are other places' reads as: background (unrelated) when it names its
    own place too (a story here that retells elsewhere), else an act the rules cannot place (unclassified)."""
    rule = _OTHER_PLACES() if own_named else measure_rules()[-1]
    measure = Measure.UNRELATED if own_named else Measure.UNCLASSIFIED
    substances = [] if own_named else found.provision.substances
    return Found(
        Provision(measure=measure, substances=substances),
        rule,
        f"(acts of other places: {found.rule.name})",
        found.clause,
    )


def _OTHER_PLACES() -> MeasureRule:  # noqa: N802 - a rule looked up by name, like a constant
    return next(r for r in measure_rules() if r.name == "other-places-background")


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
        lead.also_clauses.append(f.clause)
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
