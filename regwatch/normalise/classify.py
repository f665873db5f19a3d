"""Notice -> Action: what a notice does (its provisions, the principal one giving measure and substances),
where it stands, how far its source is to be trusted, and which rules said so."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date, timedelta

from regwatch.bulk import paused_gc
from regwatch.domain.models import Action, Notice, Provision, StageEvent, principal
from regwatch.domain.vocab import IN_FORCE_STAGES, STATUS_MEASURES, Measure, NoticeKind, Reliability, Stage, Substance
from regwatch.normalise.dates import effective_date
from regwatch.normalise.details import reported_stage
from regwatch.normalise.language import detect
from regwatch.normalise.reading import read
from regwatch.normalise.rules import fold_text, language_stage, names_kratom
from regwatch.normalise.stages import history_from_actions

CURATED_CONFIDENCE = {Reliability.PRIMARY: 0.95, Reliability.SECONDARY: 0.8, Reliability.UNVERIFIED: 0.55}
# How far a rule reading can be trusted, by the source it came from (the one table of it): official texts
# and their faithful copies are primary, trackers secondary, anything else unverified.
SOURCE_RELIABILITY = {
    "federal_register": Reliability.PRIMARY,
    "congress": Reliability.PRIMARY,
    "openstates": Reliability.PRIMARY,
    "legiscan": Reliability.PRIMARY,
    "fda": Reliability.PRIMARY,
    "dea": Reliability.PRIMARY,
    "wikipedia": Reliability.SECONDARY,
    "clinicaltrials": Reliability.SECONDARY,
}
# A reading less sure than this goes to review.
REVIEW_BELOW = 0.6
# Kinds that report an act rather than make one: they take the stage they report (reports.yaml).
REPORT_KINDS = {NoticeKind.PRESS_RELEASE, NoticeKind.ADVISORY, NoticeKind.GUIDANCE, NoticeKind.OTHER}

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
    """Read one notice into an Action: every provision, the principal one first, naming the rules."""
    if notice.curated is not None:
        return _from_curated(notice)
    folded = fold_text(f"{notice.title}. {notice.text}")
    # The language is detected only where kratom is named in some script: the rest is unrelated in any tongue.
    language = detect(f"{notice.title}. {notice.text}") if names_kratom(folded) else None
    reading = read(notice.title, notice.text, notice.kind, language or "en", notice.jurisdiction)
    lead = reading.principal.provision
    binding = not (notice.kind is NoticeKind.RESOLUTION or _URGES.search(fold_text(notice.title)))
    effective = notice.effective or effective_date(folded)
    reported = _reported(notice, folded, lead.measure, language)
    history = _history(notice, folded, effective, lead.measure, reported[0] if reported else None, language)
    confidence = reading.confidence if binding else min(reading.confidence, 0.7)
    rule = reading.explain() + ("" if binding else " Non-binding resolution: enacts nothing.")
    if reported:
        rule += f" Reports an act: stage {reported[0].value} ({reported[1]})."
    return _action(
        notice,
        measure=lead.measure,
        substances=lead.substances,
        provisions=reading.provisions,
        reliability=SOURCE_RELIABILITY.get(notice.source, Reliability.UNVERIFIED),
        reported=reported is not None,
        history=history,
        effective=effective,
        binding=binding,
        confidence=confidence,
        rule=rule,
        review=_review(notice, effective, lead.measure, confidence),
        language=language,
    )


def _reported(notice: Notice, folded: str, measure: Measure, language: str | None) -> tuple[Stage, str] | None:
    """The stage a report (press release, advisory, guidance, other) says the act it reports has reached.

    Only for provisions that set a status: news of enforcement or of a withdrawal stays `published`. A
    text in another language is read by that language's stage words (languages/<code>.yaml), not by the
    English ones: "proposed" inside a quoted English title says nothing of the foreign sentence around it.
    """
    if notice.kind not in REPORT_KINDS or measure not in STATUS_MEASURES or notice.actions:
        return None
    if _foreign(language):
        assert language is not None
        return language_stage(language, folded)
    return reported_stage(folded)


def _foreign(language: str | None) -> bool:
    return language is not None and language != "en"


def _review(notice: Notice, effective: date | None, measure: Measure, confidence: float) -> list[str]:
    """What a person should check in this reading (logged, naming the notice); empty when nothing."""
    why = []
    if effective is not None and notice.published - effective > EFFECTIVE_LONG_BEFORE:
        why.append(
            f"effective {effective.isoformat()} is over a year before publication on {notice.published.isoformat()}"
        )
    if measure is Measure.UNCLASSIFIED:
        why.append("names kratom or its alkaloids, but no rule recognises what it does (unclassified)")
    elif measure is not Measure.UNRELATED and confidence < REVIEW_BELOW:
        why.append(f"low confidence ({confidence:.2f} < {REVIEW_BELOW})")
    for reason in why:
        log.warning("notice %s: %s; marked for review", notice.id, reason)
    return why


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


def _history(
    notice: Notice,
    folded: str,
    effective: date | None,
    measure: Measure,
    reported: Stage | None = None,
    language: str | None = None,
) -> list[StageEvent]:
    """The stage history: the kind (or, for a report, the stage it reports) gives the first stage, dated
    actions the rest."""
    first_day = min([notice.published, *(a.date for a in notice.actions)])
    if measure in (Measure.WITHDRAW, Measure.UNRELATED, Measure.UNCLASSIFIED):
        start = StageEvent(date=first_day, stage=Stage.PUBLISHED)
    elif reported is not None:
        start = StageEvent(date=first_day, stage=reported)
    elif notice.kind in (NoticeKind.BILL, NoticeKind.RESOLUTION):
        start = StageEvent(date=first_day, stage=Stage.INTRODUCED)
    elif notice.kind in _LAW_KINDS:
        start = StageEvent(date=first_day, stage=Stage.ENACTED)
    elif notice.kind in (NoticeKind.RULE, NoticeKind.NOTICE) and _foreign(language) and measure in STATUS_MEASURES:
        # A foreign rule or notice that sets a status: its own language's words say draft or adopted
        # ("預告", "입법예고"); the English words are not read in it.
        assert language is not None
        said = language_stage(language, folded)
        if said is not None and said[0] in (Stage.PROPOSED, Stage.ENACTED):
            start = StageEvent(date=first_day, stage=said[0])
        else:
            stage = Stage.ENACTED if notice.kind is NoticeKind.RULE else Stage.PUBLISHED
            start = StageEvent(date=first_day, stage=stage)
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
