"""A small run built in the test, shared by the report tests: it exercises every report section."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import lxml.html

from regwatch.domain.models import Action, Change, PendingItem, Run, ScheduledItem, SourceHealth, StageEvent, StatusRow
from regwatch.domain.vocab import ChangeKind, Measure, NoticeKind, Severity, Stage, Status, Substance
from regwatch.reports import write_reports

AS_OF = date(2025, 8, 1)
XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@dataclass
class Sample:
    """One run's models, as the pipeline hands them to write_reports."""

    run: Run
    rows: list[StatusRow]
    changes: list[Change]
    actions: list[Action]
    runs: list[Run] = field(default_factory=list)

    def write(self, root: Path, **options: Any) -> Path:
        return write_reports(root, self.run, self.rows, self.changes, self.actions, self.runs or [self.run], **options)


def action(
    notice: str,
    jurisdiction: str,
    measure: Measure,
    substances: list[Substance],
    history: list[tuple[date, Stage]],
    **extra: object,
) -> Action:
    """An Action with sensible defaults for the fields a test does not care about."""
    values: dict[str, object] = {
        "notice": notice,
        "jurisdiction": jurisdiction,
        "source": "openstates",
        "kind": NoticeKind.BILL,
        "title": f"Bill {notice}",
        "url": f"https://example.org/{notice}",
        "published": history[0][0],
        "measure": measure,
        "substances": substances,
        "history": [StageEvent(date=d, stage=s) for d, s in history],
        "confidence": 0.9,
        "rule": "bill-schedules-mitragynine",
    }
    values.update(extra)
    return Action.model_validate(values)


def change(cid: str, severity: Severity, kind: ChangeKind, summary: str, **extra: object) -> Change:
    """A Change of this run."""
    return Change.model_validate(
        {"id": cid, "run": AS_OF.isoformat(), "kind": kind, "severity": severity, "summary": summary, **extra}
    )


def build_sample(title: str = "Kratom Consumer Protection Act", summary: str = "Texas would ban kratom") -> Sample:
    """The sample run; `title` is the Texas bill's title and `summary` a change summary (XSS tests pass a payload)."""
    actions = [
        action(
            "in-ban",
            "US-IN",
            Measure.BAN,
            [Substance.KRATOM],
            [(date(2014, 3, 1), Stage.ENACTED), (date(2014, 7, 1), Stage.EFFECTIVE)],
            kind=NoticeKind.STATUTE,
            source="baseline",
            title="Indiana Code 35-48-2-4 lists mitragynine",
            identifier="IC 35-48-2-4",
            retrieved=datetime(2025, 7, 30, 12, 5, tzinfo=UTC),
            archive="regwatch-20250730.warc.gz#<urn:uuid:6f1c0b1e-0000-4000-8000-000000000001>",
        ),
        action(
            "fl-7oh",
            "US-FL",
            Measure.RESTRICT,
            [Substance.SEVEN_OH],
            [(date(2025, 7, 20), Stage.ENACTED)],
            kind=NoticeKind.EMERGENCY_RULE,
            source="fda",
            title="Emergency rule 64ER25-7 on 7-OH",
            effective=date(2025, 8, 15),
            confidence=0.8,
            rule="emergency-rule-7oh",
        ),
        action(
            "tx-hb",
            "US-TX",
            Measure.BAN,
            [Substance.KRATOM],
            [(date(2025, 3, 1), Stage.INTRODUCED)],
            title=title,
            identifier="HB 1234",
            url="javascript:alert(2)",
        ),
        action(
            "oh-sb",
            "US-OH",
            Measure.RESTRICT,
            [Substance.SEVEN_OH],
            [(date(2025, 2, 1), Stage.INTRODUCED), (date(2025, 6, 1), Stage.PASSED_CHAMBER)],
            identifier="SB 45",
        ),
        action(
            "co-90",
            "US-CO",
            Measure.REGULATE,
            [Substance.KRATOM],
            [(date(2025, 5, 1), Stage.ENACTED)],
            effective=date(2025, 10, 30),
        ),
        action(
            "co-91",
            "US-CO",
            Measure.BAN,
            [Substance.SEVEN_OH],
            [(date(2025, 5, 1), Stage.ENACTED)],
            effective=date(2025, 10, 31),
        ),
        action(
            "th-unban",
            "TH",
            Measure.UNBAN,
            [Substance.KRATOM],
            [(date(2021, 8, 24), Stage.EFFECTIVE)],
            source="wikipedia",
            kind=NoticeKind.STATUTE,
            title="Narcotics Act (No. 8) B.E. 2564",
        ),
        action(
            "sd-ord",
            "US-CA:san-diego",
            Measure.BAN,
            [Substance.KRATOM],
            [(date(2016, 1, 1), Stage.EFFECTIVE)],
            kind=NoticeKind.ORDINANCE,
            title="San Diego kratom ordinance",
        ),
        action(
            "tx-noise",
            "US-TX",
            Measure.UNRELATED,
            [],
            [(date(2025, 4, 1), Stage.PUBLISHED)],
            title="Hemp labelling bill",
        ),
    ]
    seen = date(2025, 7, 31)
    rows = [
        StatusRow(jurisdiction="US", substance=Substance.KRATOM, status=Status.LEGAL, last_verified=seen),
        StatusRow(
            jurisdiction="US-IN",
            substance=Substance.KRATOM,
            status=Status.BANNED,
            since=date(2014, 7, 1),
            evidence=["https://example.org/in-ban", "https://iga.in.gov/code"],
            last_verified=seen,
        ),
        StatusRow(
            jurisdiction="US-IN",
            substance=Substance.SEVEN_OH,
            status=Status.BANNED,
            since=date(2014, 7, 1),
            evidence=["https://example.org/in-ban"],
            last_verified=seen,
        ),
        StatusRow(
            jurisdiction="US-FL",
            substance=Substance.KRATOM,
            status=Status.REGULATED,
            since=date(2019, 7, 1),
            last_verified=seen,
        ),
        StatusRow(
            jurisdiction="US-FL",
            substance=Substance.SEVEN_OH,
            status=Status.REGULATED,
            since=date(2019, 7, 1),
            scheduled=[ScheduledItem(status=Status.RESTRICTED, effective=date(2025, 8, 15), notice="fl-7oh")],
            last_verified=seen,
        ),
        StatusRow(
            jurisdiction="US-TX",
            substance=Substance.KRATOM,
            status=Status.LEGAL,
            pending=[PendingItem(measure=Measure.BAN, stage=Stage.INTRODUCED, notice="tx-hb")],
            evidence=["javascript:alert(3)"],
            last_verified=date(2025, 6, 30),
        ),
        StatusRow(
            jurisdiction="US-TX",
            substance=Substance.SEVEN_OH,
            status=Status.LEGAL,
            pending=[PendingItem(measure=Measure.BAN, stage=Stage.INTRODUCED, notice="tx-hb")],
        ),
        StatusRow(
            jurisdiction="US-OH",
            substance=Substance.SEVEN_OH,
            status=Status.LEGAL,
            pending=[PendingItem(measure=Measure.RESTRICT, stage=Stage.PASSED_CHAMBER, notice="oh-sb")],
        ),
        StatusRow(
            jurisdiction="US-CO",
            substance=Substance.KRATOM,
            status=Status.LEGAL,
            scheduled=[ScheduledItem(status=Status.REGULATED, effective=date(2025, 10, 30), notice="co-90")],
        ),
        StatusRow(
            jurisdiction="US-CO",
            substance=Substance.SEVEN_OH,
            status=Status.LEGAL,
            scheduled=[ScheduledItem(status=Status.BANNED, effective=date(2025, 10, 31), notice="co-91")],
        ),
        StatusRow(
            jurisdiction="TH",
            substance=Substance.KRATOM,
            status=Status.LEGAL,
            since=date(2021, 8, 24),
            last_verified=seen,
        ),
        StatusRow(
            jurisdiction="US-CA:san-diego", substance=Substance.KRATOM, status=Status.BANNED, since=date(2016, 1, 1)
        ),
    ]
    changes = [
        change("c-news", Severity.LOW, ChangeKind.NEWS, "Thailand: study - kratom survey", jurisdiction="TH"),
        change(
            "c-tx",
            Severity.MEDIUM,
            ChangeKind.PENDING_ADDED,
            summary,
            jurisdiction="US-TX",
            substance=Substance.KRATOM,
            measure=Measure.BAN,
            stage=Stage.INTRODUCED,
            notices=["tx-hb"],
            evidence=["javascript:alert(4)"],
        ),
        change(
            "c-broken",
            Severity.HIGH,
            ChangeKind.SOURCE_BROKEN,
            "Source openstates is broken: HTTP 500",
            source="openstates",
        ),
        change(
            "c-fl",
            Severity.CRITICAL,
            ChangeKind.SCHEDULED_ADDED,
            "Florida restricts 7-OH from 2025-08-15",
            jurisdiction="US-FL",
            substance=Substance.SEVEN_OH,
            old_status=Status.REGULATED,
            new_status=Status.RESTRICTED,
            effective=date(2025, 8, 15),
            notices=["fl-7oh"],
            evidence=["https://www.flrules.org/64ER25-7"],
        ),
        change(
            "c-in",
            Severity.CRITICAL,
            ChangeKind.STATUS_CHANGED,
            "Indiana bans kratom (was unknown)",
            jurisdiction="US-IN",
            substance=Substance.KRATOM,
            old_status=Status.UNKNOWN,
            new_status=Status.BANNED,
            effective=date(2014, 7, 1),
            evidence=["https://example.org/in-ban"],
        ),
    ]
    run = Run(
        id=AS_OF.isoformat(),
        as_of=AS_OF,
        started=datetime(2025, 8, 1, 6, 0, tzinfo=UTC),
        state="published",
        notices=len(actions),
        changes=len(changes),
        health=[
            SourceHealth(source="openstates", ok=False, message=f"HTTP 500 {XSS}", jurisdictions=["US-*"]),
            SourceHealth(source="federal_register", ok=True, items=12, jurisdictions=["US"]),
            SourceHealth(source="legiscan", ok=False, skipped=True, message="no LEGISCAN_API_KEY"),
        ],
    )
    return Sample(run=run, rows=rows, changes=changes, actions=actions)


def text(element: lxml.html.HtmlElement) -> str:
    """An element's text as a reader sees it: whitespace normalised, a <br> read as a space."""
    for br in element.iter("br"):
        br.tail = " " + (br.tail or "")
    return " ".join(element.text_content().split())


def table(doc: lxml.html.HtmlElement, section: str) -> list[list[str]]:
    """The body rows of a section's table, each as its cells' text."""
    rows = doc.xpath(f'//section[@id="{section}"]//tbody/tr')
    return [[text(c) for c in row.xpath("./th|./td")] for row in rows]
