"""The domain models: what spiders yield (Notice), what rules make of it (Action), what the fold
produces (StatusRow), what the diff reports (Change), and one pass of the pipeline (Run)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from regwatch.domain import jurisdictions
from regwatch.domain.vocab import (
    STATUS_MEASURES,
    STATUS_STRICTNESS,
    ChangeKind,
    DatePrecision,
    Measure,
    NoticeKind,
    Reliability,
    RunState,
    Scope,
    Severity,
    Stage,
    Status,
    Substance,
)

# The longest values the store's columns hold (regwatch/store/tables.py sizes its columns from these).
# Checked here, so SQLite (which ignores lengths) and PostgreSQL (which raises a DataError) both refuse
# a notice the same way, with the input line named, before anything is stored.
ID_LENGTH = 200
JURISDICTION_LENGTH = 80
SOURCE_LENGTH = 60

# Characters XML 1.0 forbids (NUL, form feed and the other C0 controls but tab and newlines, lone
# surrogates, U+FFFE/U+FFFF). Text copied out of PDFs carries form feeds, and a single one made the Atom
# feed fail for every run that included the notice; each run of them becomes one space at the door.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]+")


def xml_safe(value: Any) -> Any:
    """`value` with every run of characters XML cannot hold replaced by a space (non-strings pass through)."""
    if isinstance(value, str) and _NOT_XML.search(value):
        return _NOT_XML.sub(" ", value).strip(" ")
    return value


Text = Annotated[str, BeforeValidator(xml_safe)]

JurisdictionCode = Annotated[
    str, StringConstraints(max_length=JURISDICTION_LENGTH), AfterValidator(jurisdictions.validate)
]


class Strict(BaseModel):
    """Base of every model: unknown fields are an error, values are checked on assignment too."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


class NoticeAction(Strict):
    """One dated step in a notice's life, as the source words it ("Signed by Governor")."""

    date: date
    description: Text = Field(min_length=1)


class Detail(Strict):
    """What a compliance officer reads off a provision besides its measure: limits, licences, taxes."""

    age: int | None = Field(default=None, ge=0, le=99, description="minimum age to buy or possess")
    cap: Text | None = Field(default=None, description="alkaloid cap, e.g. 7-OH <= 2% of the alkaloid fraction")
    licence: bool = Field(default=False, description="sellers or makers need a licence or registration")
    tax: Text | None = Field(default=None, description="a tax on the products, as the law words it")

    def words(self) -> list[str]:
        """The detail in a few words each: "21+", "7-OH <= 2% of the alkaloid fraction", "licence required"."""
        out = [f"{self.age}+"] if self.age is not None else []
        out += [self.cap] if self.cap else []
        out += ["licence required"] if self.licence else []
        out += [f"tax: {self.tax}"] if self.tax else []
        return out


class Provision(Strict):
    """One thing a law does: a measure, the substances it names, what it governs, and its limits."""

    measure: Measure
    substances: list[Substance] = Field(default_factory=list)
    scope: Scope = Scope.ALL
    detail: Detail = Field(default_factory=Detail)

    @property
    def status(self) -> Status | None:
        """The status this provision sets once in force, or None (news and evidence set none)."""
        return STATUS_MEASURES.get(self.measure)

    def covers(self) -> list[Substance]:
        """Substances it reaches: those it names, and for a kratom-wide measure the alkaloids too."""
        if Substance.KRATOM in self.substances and self.measure in STATUS_MEASURES:
            return list(Substance)
        return list(self.substances)

    def describe(self) -> str:
        """Scope and limits in plain words: "sale banned", "21+, licence required"."""
        words = []
        if self.scope is not Scope.ALL and self.measure in (Measure.BAN, Measure.RESTRICT):
            words.append(f"{self.scope.value} {'banned' if self.measure is Measure.BAN else 'restricted'}")
        words += self.detail.words()
        return ", ".join(words)


def principal(provisions: list[Provision]) -> Provision:
    """The provision a reading is named by: what the law does to the leaf (kratom) when it sets its status, the
    strictest if several (a consumer protection act `regulate`s kratom and restricts 7-OH: it is a regulation;
    a bill that regulates and then schedules kratom is a ban); else the strictest status it sets on an
    alkaloid; among those that set none, the one that says most (a withdrawal, then enforcement, protection,
    a study; an unclassified or unrelated reading last). Ties keep the first given."""
    return max(enumerate(provisions), key=lambda ip: (_weight(ip[1]), -ip[0]))[1]


# Measures that set no status, from the most to the least telling.
_NEWS_WEIGHT = [
    Measure.UNRELATED,
    Measure.UNCLASSIFIED,
    Measure.STUDY,
    Measure.PROTECT,
    Measure.ENFORCE,
    Measure.WITHDRAW,
]


def _weight(provision: Provision) -> tuple[int, int]:
    status = provision.status
    if status is not None:
        return (2 if Substance.KRATOM in provision.substances else 1, STATUS_STRICTNESS[status])
    return (0, _NEWS_WEIGHT.index(provision.measure))


class Curated(Strict):
    """A hand-checked reading of a notice (the baseline), used instead of the rules."""

    measure: Measure | None = Field(default=None, description="None: no kratom-specific law was found (status legal)")
    substances: list[Substance] = Field(default_factory=list)
    provisions: list[Provision] = Field(
        default_factory=list, description="every provision; when empty, one from measure and substances"
    )
    precision: DatePrecision = Field(default=DatePrecision.DAY, description="how much of `published` is known")
    stage: Stage
    expires: date | None = None
    undated: bool = Field(default=False, description="a status snapshot: in force since an unknown date")
    reliability: Reliability
    sources: list[Text] = Field(min_length=1)
    note: Text | None = None


class Notice(Strict):
    """A document a source published that may bear on kratom: a bill, rule, notice, release, letter."""

    id: str | None = Field(
        default=None, max_length=ID_LENGTH, description="stable id; derived from the content when absent"
    )
    jurisdiction: JurisdictionCode
    source: str = Field(min_length=1, max_length=SOURCE_LENGTH, description="spider or feed name, e.g. openstates")
    kind: NoticeKind
    title: Text = Field(min_length=1)
    text: Text = ""
    url: Text | None = None
    published: date
    identifier: Text | None = None
    actions: list[NoticeAction] = Field(default_factory=list)
    effective: date | None = None
    retrieved: datetime | None = Field(default=None, description="when the source was fetched")
    archive: str | None = Field(default=None, description="archived copy: WARC file and record id")
    curated: Curated | None = None

    @model_validator(mode="after")
    def _derive_id(self) -> Notice:
        if not self.id:
            self.id = self.derived_id()
        return self

    def derived_id(self) -> str:
        """A deterministic id from what identifies the document: source, jurisdiction and its own id or url."""
        key = self.identifier or self.url or f"{self.title}|{self.published.isoformat()}"
        digest = hashlib.sha256(f"{self.source}|{self.jurisdiction}|{key}".encode()).hexdigest()
        return f"{self.source}:{digest[:16]}"

    def continues(self, earlier: Notice) -> bool:
        """Whether this is `earlier` later in its life, so that it may replace it in the store.

        A document's life adds actions, and may set its effective date, move its URL or be fetched
        again; anything else changing under the same id (title, text, kind, jurisdiction, dates,
        identifier, or an action dropped or reworded) is another document or an amended one, which
        needs an id of its own: the store keeps the earlier version rather than overwrite it.
        A curated baseline reading is a correction made by hand (its history is in git) and replaces.
        """
        if self.curated is not None and earlier.curated is not None:
            return True
        lifetime = {"actions", "effective", "url", "retrieved", "archive"}
        if self.model_dump(exclude=lifetime) != earlier.model_dump(exclude=lifetime):
            return False
        return all(action in self.actions for action in earlier.actions)

    def content_hash(self) -> str:
        """A hash of everything the notice says, to tell an update from a repeat."""
        body = self.model_dump(mode="json", exclude={"retrieved", "archive"})
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


class StageEvent(Strict):
    """The stage a measure reached on a date."""

    date: date
    stage: Stage


class Action(Strict):
    """What a notice does, read by the rules: measure, substances, life cycle and dates."""

    notice: str
    jurisdiction: JurisdictionCode
    source: str
    kind: NoticeKind
    title: str
    url: str | None = None
    identifier: str | None = None
    published: date
    measure: Measure
    substances: list[Substance]
    history: list[StageEvent] = Field(min_length=1, description="stages in date order")
    effective: date | None = None
    expires: date | None = None
    binding: bool = True
    undated: bool = Field(default=False, description="in force since an unknown date (a baseline snapshot)")
    confidence: float = Field(ge=0.0, le=1.0)
    rule: str
    provisions: list[Provision] = Field(default_factory=list, description="every provision; measure is the principal")
    reliability: Reliability = Reliability.UNVERIFIED
    reported: bool = Field(default=False, description="a report of an act whose official text has not been seen")
    precision: DatePrecision = DatePrecision.DAY
    review: list[str] = Field(default_factory=list, description="why a person should check this reading")
    retrieved: datetime | None = None
    archive: str | None = None
    language: str | None = Field(default=None, description="ISO 639-1 code of the text's language, when detected")
    decided: bool = Field(default=False, description="an analyst's decision replaced the rules' reading")
    members: list[str] = Field(default_factory=list, description="every notice reporting this act (one event)")
    dissent: dict[Substance, list[str]] = Field(
        default_factory=dict, description="per substance, members of the event whose own reading differs"
    )
    urls: list[str] = Field(default_factory=list, description="their URLs, the lead's first")

    @model_validator(mode="after")
    def _principal_provision(self) -> Action:
        if not self.provisions:
            self.provisions = [Provision(measure=self.measure, substances=list(self.substances))]
        return self

    def stage_on(self, day: date) -> Stage | None:
        """The stage reached by `day`, or None if the notice had not appeared yet."""
        current = None
        for event in self.history:
            if event.date > day:
                break
            current = event.stage
        return current

    def date_of(self, stage: Stage) -> date | None:
        """When the measure first reached `stage`."""
        return next((e.date for e in self.history if e.stage == stage), None)


class PendingItem(Strict):
    measure: Measure
    stage: Stage
    notice: str
    reported: bool = False


class ScheduledItem(Strict):
    status: Status
    effective: date
    notice: str


class StatusRow(Strict):
    """The status of one substance in one jurisdiction on the as-of date, with its evidence."""

    jurisdiction: JurisdictionCode
    substance: Substance
    status: Status
    since: date | None = None
    pending: list[PendingItem] = Field(default_factory=list)
    scheduled: list[ScheduledItem] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    last_verified: date | None = None
    reliability: Reliability | None = Field(default=None, description="of the evidence that decides the cell")
    detail: str = Field(default="", description="scope and limits: 'sale banned', '21+, 7-OH <= 2%'")
    review: bool = Field(default=False, description="a person should check what decides this cell")
    deciding: str | None = Field(default=None, description="the notice that decides the cell (its event's lead)")
    since_precision: DatePrecision | None = None
    lapsed: bool = Field(default=False, description="an emergency rule expired and nothing replaced it")
    conflict: list[str] = Field(
        default_factory=list, description="notices that read this cell differently on the same date, until decided"
    )

    @property
    def key(self) -> tuple[str, str]:
        return (self.jurisdiction, self.substance.value)


class Change(Strict):
    """One thing that changed between two published tables, with its severity and evidence."""

    id: str
    run: str
    kind: ChangeKind
    severity: Severity
    jurisdiction: JurisdictionCode | None = None
    substance: Substance | None = None
    substances: list[Substance] = Field(default_factory=list, description="every substance the event moves")
    old_status: Status | None = None
    new_status: Status | None = None
    effective: date | None = None
    stage: Stage | None = None
    measure: Measure | None = None
    source: str | None = None
    summary: str
    notices: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    reliability: Reliability | None = None
    reported: bool = Field(default=False, description="reported; the official text not yet seen")
    explanation: str = Field(default="", description="why the cell now says what it says, with its source")

    @model_validator(mode="after")
    def _substances(self) -> Change:
        if not self.substances and self.substance is not None:
            self.substances = [self.substance]
        if self.substance is None and self.substances:
            self.substance = self.substances[0]
        return self

    @staticmethod
    def make_id(*parts: Any) -> str:
        """A deterministic id: the same change found by a re-run has the same id."""
        raw = "|".join("" if p is None else str(p) for p in parts)
        return hashlib.sha256(raw.encode()).hexdigest()[:20]


class SourceHealth(Strict):
    """How one source fared in a run: ok, or broken with the reason."""

    source: str
    ok: bool
    skipped: bool = Field(default=False, description="not run (no API key): neither verified nor broken")
    items: int = 0
    invalid: int = Field(default=0, description="items that failed validation and were not stored")
    pages: int = Field(default=0, description="responses received (pages and API answers)")
    message: str = ""
    jurisdictions: list[str] = Field(default_factory=list)


class Run(Strict):
    """One pass of the pipeline for an as-of date."""

    id: str
    as_of: date
    started: datetime
    finished: datetime | None = None
    state: RunState = RunState.RUNNING
    notices: int = 0
    changes: int = 0
    health: list[SourceHealth] = Field(default_factory=list)
