"""The shapes of the API's answers, for the OpenAPI document (the values come from regwatch.serve.queries)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from regwatch.domain.models import Change, PendingItem, Provision, ScheduledItem, StageEvent
from regwatch.domain.review import ReviewItem
from regwatch.domain.vocab import Stage

__all__ = ["PendingItem", "ReviewItem", "ScheduledItem"]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StatusOut(Out):
    """One row of `regwatch status --format json` (README, "Command-line contracts")."""

    jurisdiction: str = Field(examples=["US-TX"])
    substance: str = Field(examples=["7-oh"])
    status: str = Field(description="legal, regulated, restricted, banned or unknown")
    since: str | None = Field(description="as far as known: 2019, 2019-07 or 2019-07-01")
    pending: list[PendingItem]
    scheduled: list[ScheduledItem]
    evidence: list[str]
    last_verified: str | None
    reliability: str | None = Field(description="primary, secondary or unverified")
    detail: str
    review: bool
    notice: str | None = Field(description="the deciding notice's id")
    identifier: str | None = Field(description="its bill number or citation")
    instrument: str | None = Field(description="the act in words")
    url: str | None = Field(description="where to read it")


class ChangeOut(Change):
    """One change as `regwatch changes --format json` prints it: every field, then its first notice's names."""

    identifier: str | None = Field(default=None, description="its bill number or citation")
    title: str | None = Field(default=None, description="its title")
    url: str | None = Field(default=None, description="where to read it")


class ExplainedStatusOut(StatusOut):
    explanation: str = Field(description="why the cell says what it says (as `regwatch explain` words it)")


class EventOut(Out):
    """One legal act on a jurisdiction's timeline, with its sources."""

    notice: str
    title: str
    identifier: str | None
    kind: str
    source: str
    url: str | None
    sources: list[str]
    published: str
    retrieved: str | None
    archive: str | None = Field(description="the archived copy: <WARC file>#<record id>")
    measure: str
    substances: list[str]
    provisions: list[Provision]
    history: list[StageEvent]
    effective: str | None
    expires: str | None
    reliability: str
    binding: bool
    rule: str = Field(description="the rule (or the analyst's decision) that read the notice")


class SubstanceItem(Out):
    substance: str


class PendingOut(SubstanceItem, PendingItem):
    pass


class ScheduledOut(SubstanceItem, ScheduledItem):
    pass


class JurisdictionOut(Out):
    jurisdiction: str
    name: str
    as_of: str
    parent: str | None
    rows: list[ExplainedStatusOut]
    timeline: list[EventOut]
    pending: list[PendingOut]
    scheduled: list[ScheduledOut]
    changes: list[dict[str, Any]] = Field(description="this date's changes here, as `regwatch changes` prints them")


class MatrixLine(Out):
    """May we sell or ship this substance to this jurisdiction on this date, and on what terms."""

    jurisdiction: str
    name: str
    substance: str
    sell: str = Field(description="yes (no kratom-specific law), conditional (regulated or restricted), no, unknown")
    status: str
    min_age: int | None = Field(description="the minimum age to buy, where a provision sets one")
    caps: list[str] = Field(description="alkaloid caps, as the law words them")
    licence: bool = Field(description="sellers or makers need a licence or registration")
    tax: str | None
    scope: str | None = Field(description="what the deciding provision governs: sale, possession, ... or all")
    since: str | None
    detail: str
    scheduled: list[ScheduledItem]
    pending: int = Field(description="live proposals that would change it")
    evidence: list[str]
    reliability: str | None
    deciding: str | None = Field(description="the notice that decides the status")
    review: bool


class LogEntry(Out):
    """One review decision, as `regwatch review log --format json` prints it."""

    notice: str
    by: str
    at: str
    reason: str
    before: list[Provision]
    after: list[Provision]


class DecideIn(Out):
    """The body of a decision: what `regwatch review decide` takes as options."""

    provisions: list[str] = Field(min_length=1, examples=[["regulate:kratom", "restrict:7-oh"]])
    by: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
    stage: Stage | None = None
    effective: str | None = Field(
        default=None, description="YYYY-MM-DD", pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"}
    )


class UndoIn(Out):
    by: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)


class Problem(Out):
    """An error: `detail` names the parameter and what was expected."""

    detail: str
