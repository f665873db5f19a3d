"""One page per jurisdiction: status per substance, the timeline of its actions, and every source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from regwatch.domain import jurisdictions
from regwatch.domain.explain import explain
from regwatch.domain.models import Action, Change, SourceHealth, StatusRow
from regwatch.domain.vocab import Measure, Substance

PAGES_DIR = "j"


@dataclass(frozen=True)
class ArchivedCopy:
    """Where the archived copy of a source lives: the WARC file, the record in it, and a link if one exists."""

    warc: str
    record: str
    href: str | None


@dataclass
class JurisdictionPage:
    """Everything one jurisdiction's page shows."""

    code: str
    name: str
    parent: str | None
    children: list[str]
    rows: list[StatusRow]
    changes: list[Change]
    timeline: list[Action]
    unrelated: int
    sources: list[Action]
    evidence_only: list[str]
    failed: list[SourceHealth]
    why: list[tuple[Substance, str]]  # each row explained in words, with its source (domain/explain.py)


def page_name(code: str) -> str:
    """The file name of a jurisdiction's page: `US-CA:san-diego` -> `US-CA_san-diego.html`.

    A colon in a relative href would be read as a URL scheme, and Windows forbids it in file names;
    no code contains an underscore, so the name maps back to one code.
    """
    return code.replace(":", "_") + ".html"


def page_href(code: str, from_index: bool = True) -> str:
    """The link to a jurisdiction's page from the index (`j/...`) or from a sibling page."""
    return f"{PAGES_DIR}/{page_name(code)}" if from_index else page_name(code)


def archived_copy(archive: str | None, archive_url: str | None) -> ArchivedCopy | None:
    """Read an Action.archive string ("<warc file>#<record id>") and link it when the archive is served.

    The WARC archive lives in REGWATCH_ARCHIVE_DIR, outside the reports folder, and a report is meant to be
    copied and served on its own: a relative file path into the archive would break as soon as the
    report moves, and a browser cannot open one record inside a WARC anyway. So by default the copy is
    shown as text (file and record id: what `warcio extract` or a replay tool needs), and it becomes a
    link only when the operator says where the WARC files are published (`archive_url`). The record id
    rides in the fragment, which servers ignore, so the link fetches the file and still names the record.
    """
    if not archive:
        return None
    warc, _, record = archive.partition("#")
    href = None
    if archive_url:
        base = archive_url if archive_url.endswith("/") else archive_url + "/"
        if "://" not in base and not base.startswith("/"):
            base = "../../" + base  # relative to the reports root; pages sit two folders below it
        href = base + quote(warc) + ("#" + quote(record, safe="") if record else "")
    return ArchivedCopy(warc=warc, record=record, href=href)


def jurisdiction_pages(
    codes: list[str],
    rows: list[StatusRow],
    changes: list[Change],
    actions: list[Action],
    health: list[SourceHealth],
    events: dict[str, Action] | None = None,
) -> list[JurisdictionPage]:
    """A page for every code given and every jurisdiction that has a row, a change or an action.

    `events` maps notice ids to their events (domain/status.events_by_notice), for the explanations.
    """
    every = set(codes) | {r.jurisdiction for r in rows} | {a.jurisdiction for a in actions}
    every |= {c.jurisdiction for c in changes if c.jurisdiction}
    known = events if events is not None else {a.notice: a for a in actions}
    return [_page(code, every, rows, changes, actions, health, known) for code in sorted(every)]


def _page(
    code: str,
    every: set[str],
    rows: list[StatusRow],
    changes: list[Change],
    actions: list[Action],
    health: list[SourceHealth],
    events: dict[str, Action],
) -> JurisdictionPage:
    own = [a for a in actions if a.jurisdiction == code]
    own_rows = sorted((r for r in rows if r.jurisdiction == code), key=lambda r: list(Substance).index(r.substance))
    urls = {a.url for a in own if a.url}
    evidence_only = sorted({u for r in own_rows for u in r.evidence if u not in urls})
    parent = jurisdictions.parent_of(code)
    return JurisdictionPage(
        code=code,
        name=jurisdictions.display_name(code),
        parent=parent if parent in every else None,
        children=sorted(c for c in every if jurisdictions.parent_of(c) == code),
        rows=own_rows,
        changes=[c for c in changes if c.jurisdiction == code],
        timeline=sorted((a for a in own if a.measure is not Measure.UNRELATED), key=_latest, reverse=True),
        unrelated=sum(1 for a in own if a.measure is Measure.UNRELATED),
        sources=sorted(own, key=lambda a: (a.source, a.published, a.notice)),
        evidence_only=evidence_only,
        failed=[h for h in health if not h.ok and not h.skipped and _covers(h, code)],
        why=[(r.substance, explain(r, events)) for r in own_rows],
    )


def _covers(health: SourceHealth, code: str) -> bool:
    """Whether a failed source covers this jurisdiction (a source naming none is taken to cover all)."""
    return not health.jurisdictions or any(jurisdictions.matches(p, code) for p in health.jurisdictions)


def _latest(action: Action) -> tuple[date, str]:
    """Sort key: the date of the action's latest step, then its notice id for a stable order."""
    return (action.history[-1].date, action.notice)
