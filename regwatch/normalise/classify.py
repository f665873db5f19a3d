"""Notice -> Action: what a notice does (measure, substances), where it stands, and which rule said so."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date, timedelta

from regwatch.bulk import paused_gc
from regwatch.domain.models import Action, Notice, Provision, StageEvent, principal
from regwatch.domain.vocab import IN_FORCE_STAGES, Measure, NoticeKind, Reliability, Stage, Substance
from regwatch.normalise.dates import effective_date
from regwatch.normalise.rules import first_match, fold_text, resolve_substances
from regwatch.normalise.stages import history_from_actions

CURATED_CONFIDENCE = {Reliability.PRIMARY: 0.95, Reliability.SECONDARY: 0.8, Reliability.UNVERIFIED: 0.55}

_PROPOSAL = re.compile(r"notice of intent|proposed rule|notice of proposed|\bproposes?\b|proposal to")
_FINAL = re.compile(r"temporary (scheduling )?order|final rule|\bis (hereby )?(placed|added)\b|order placing")
_URGES = re.compile(
    r"\burg(e|es|ing)\b|memoriali[sz]|\brequest(s|ing)? (that|the)\b|\bencourag|\bexpress(es|ing)? "
    r"(the )?(sense|support|concern)|\bcalls? (up)?on\b"
)
log = logging.getLogger(__name__)

# An effective date this long before the notice was published is more likely a typo or a misread
# date ("2016" for "2026") than a law in force for years: kept, but marked for review and logged.
EFFECTIVE_LONG_BEFORE = timedelta(days=365)
# Kinds whose documents are law the day they are published.
_LAW_KINDS = {NoticeKind.STATUTE, NoticeKind.ORDINANCE, NoticeKind.EMERGENCY_RULE}


@paused_gc()
def classify_all(notices: Iterable[Notice]) -> list[Action]:
    """Read many notices: `classify` on each, with the garbage collector paused (regwatch.bulk)."""
    return [classify(n) for n in notices]


def classify(notice: Notice) -> Action:
    """Read one notice into an Action, naming the rule that decided its measure."""
    if notice.curated is not None:
        return _from_curated(notice)
    folded = fold_text(f"{notice.title}. {notice.text}")
    rule, pattern = first_match(folded, notice.kind)
    substances = resolve_substances(rule.substances, folded)
    binding = not (notice.kind is NoticeKind.RESOLUTION or _URGES.search(fold_text(notice.title)))
    effective = notice.effective or effective_date(folded)
    history = _history(notice, folded, effective, rule.measure)
    return _action(
        notice,
        measure=rule.measure,
        substances=substances,
        history=history,
        effective=effective,
        binding=binding,
        confidence=rule.confidence if binding else min(rule.confidence, 0.7),
        rule=f"{rule.name}: {rule.description} (matched /{pattern}/)"
        + ("" if binding else " Non-binding resolution: enacts nothing."),
        review=_review(notice, effective),
    )


def _review(notice: Notice, effective: date | None) -> list[str]:
    """What a person should check in this reading (logged, naming the notice); empty when nothing."""
    if effective is None or notice.published - effective <= EFFECTIVE_LONG_BEFORE:
        return []
    why = f"effective {effective.isoformat()} is over a year before publication on {notice.published.isoformat()}"
    log.warning("notice %s: %s; marked for review", notice.id, why)
    return [why]


def _action(notice: Notice, **reading: object) -> Action:
    """An Action carrying the notice's own identity and evidence, plus what was read from it."""
    return Action.model_validate(
        {
            "notice": str(notice.id),
            "jurisdiction": notice.jurisdiction,
            "source": notice.source,
            "kind": notice.kind,
            "title": notice.title,
            "url": notice.url,
            "identifier": notice.identifier,
            "published": notice.published,
            "retrieved": notice.retrieved,
            "archive": notice.archive,
            **reading,
        }
    )


def _history(notice: Notice, folded: str, effective: date | None, measure: Measure) -> list[StageEvent]:
    """The stage history: the kind gives the first stage, dated actions the rest."""
    first_day = min([notice.published, *(a.date for a in notice.actions)])
    if measure in (Measure.WITHDRAW, Measure.UNRELATED):
        start = StageEvent(date=first_day, stage=Stage.PUBLISHED)
    elif notice.kind in (NoticeKind.BILL, NoticeKind.RESOLUTION):
        start = StageEvent(date=first_day, stage=Stage.INTRODUCED)
    elif notice.kind in _LAW_KINDS:
        start = StageEvent(date=first_day, stage=Stage.ENACTED)
    elif notice.kind in (NoticeKind.RULE, NoticeKind.NOTICE):
        if _PROPOSAL.search(folded) and not _FINAL.search(folded):
            start = StageEvent(date=first_day, stage=Stage.PROPOSED)
        elif _FINAL.search(folded) or notice.kind is NoticeKind.RULE:
            start = StageEvent(date=first_day, stage=Stage.ENACTED)
        else:
            start = StageEvent(date=first_day, stage=Stage.PUBLISHED)
    else:
        start = StageEvent(date=first_day, stage=Stage.PUBLISHED)
    history = history_from_actions(notice.actions, start)
    return _with_effective(history, effective)


def _with_effective(history: list[StageEvent], effective: date | None) -> list[StageEvent]:
    """Add the day an enacted measure takes effect, when the notice names one."""
    last = history[-1]
    if last.stage in IN_FORCE_STAGES and last.stage is not Stage.EFFECTIVE:
        day = max(effective or last.date, last.date)
        history = [*history, StageEvent(date=day, stage=Stage.EFFECTIVE)]
    return history


def _from_curated(notice: Notice) -> Action:
    """A baseline notice: its reading was checked by hand, so it is taken as written."""
    curated = notice.curated
    assert curated is not None
    measure = curated.measure or Measure.UNRELATED
    substances = curated.substances or list(Substance)
    provisions = curated.provisions or [Provision(measure=measure, substances=substances)]
    lead = principal(provisions)
    history = [StageEvent(date=notice.published, stage=curated.stage)]
    if curated.stage in IN_FORCE_STAGES:
        history = _with_effective([StageEvent(date=notice.published, stage=Stage.ENACTED)], notice.effective)
    why = (
        "no kratom-specific law found (curated baseline)"
        if curated.measure is None
        else f"{', '.join(p.measure.value for p in provisions)} (curated baseline)"
    )
    return _action(
        notice,
        url=notice.url or curated.sources[0],
        measure=lead.measure,
        substances=lead.substances,
        provisions=provisions,
        reliability=curated.reliability,
        precision=curated.precision,
        history=history,
        effective=notice.effective,
        expires=curated.expires,
        undated=curated.undated,
        confidence=CURATED_CONFIDENCE[curated.reliability],
        rule=f"baseline: {why}; reliability {curated.reliability.value}",
    )
