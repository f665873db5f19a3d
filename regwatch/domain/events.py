"""Notices that report the same legal act are one event: one pending or scheduled item, one change,
all their sources as evidence.

Two notices are one act when they share a key: the same Federal Register document number, the same bill
number in one jurisdiction and legislative biennium, or the same statute, rule or ordinance citation. A
report of an act (a press release, an announcement) carries no such key: it joins the official act of the
same place, measure and substances dated near it, or another report of that act, or stands alone until
the official document arrives.

Each event is folded as one Action: the reading of its best member (a hand-checked baseline entry, then an
official document, then a report; the surest and most confident first), the stages every member reports,
and every member's URL as evidence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from regwatch.domain.models import Action, StageEvent
from regwatch.domain.vocab import (
    IN_FORCE_STAGES,
    PROPOSAL_STAGES,
    STATUS_STRICTNESS,
    NoticeKind,
    Stage,
    Status,
    Substance,
)

# A Federal Register document number ("2016-20803"), in an identifier or a federalregister.gov URL.
_FR_DOC = re.compile(r"(?<![\d-])((?:19|20)\d{2}-\d{4,5})(?![\d-])")
_FR_URL = re.compile(r"federalregister\.gov/(?:documents|d|public-inspection)/(?:[\d/]+/)?((?:19|20)\d{2}-\d{4,5})")
# A bill number as sources write it: "HB 1234", "H.B. 1234", "House Bill 1234", "SSB 5042" (a Washington
# substitute of SB 5042), "CS/HB 309" (a Florida committee substitute of HB 309), "S 2541".
_BILL = re.compile(
    r"^(?:(?:cs|hcs|scs|sub)/)*(?:e?\d?s(?=[hs]b))?"
    r"(house bill|senate bill|assembly bill|h\.?\s?b\.?|s\.?\s?b\.?|a\.?\s?b\.?|hf|sf|lb|h|s|a)\s*(\d{1,5})\b"
)
_CHAMBER = {"housebill": "HB", "senatebill": "SB", "assemblybill": "AB", "h": "HB", "s": "SB", "a": "AB"}
_BILL_KINDS = (NoticeKind.BILL, NoticeKind.RESOLUTION)
# A report (an Action the rules marked `reported`: a release or an announcement of an act) joins an
# official act dated this near it; two reports of one act are dated nearer still.
REPORT_WINDOW = timedelta(days=60)
REPORTS_TOGETHER = timedelta(days=14)


def event_keys(action: Action) -> set[str]:
    """The keys that name the act a notice reports (empty for a report with no document number)."""
    keys: set[str] = set()
    texts = [action.identifier or "", action.url or ""]
    if action.jurisdiction == "US":
        for text in texts:
            keys.update(f"fr:{number}" for number in _FR_DOC.findall(text))
    for text in texts[1:]:
        keys.update(f"fr:{number}" for number in _FR_URL.findall(text))
    for part in re.split(r"\s*[/;,]\s+|\s+/\s*", action.identifier or ""):
        part = part.strip()
        if not part or (action.jurisdiction == "US" and _FR_DOC.search(part)):
            continue  # a Federal Register number ("FR Doc. 2026-13580") is its key already
        bill = _bill_number(part)
        if bill is not None:
            keys.add(f"bill:{action.jurisdiction}:{bill}:{_biennium(action)}")
        elif action.kind not in _BILL_KINDS:
            keys.add(f"cite:{action.jurisdiction}:{_citation(part)}")
    return keys


def _bill_number(text: str) -> str | None:
    match = _BILL.match(text.lower())
    if match is None:
        return None
    chamber = re.sub(r"[^a-z]", "", match[1])
    return f"{_CHAMBER.get(chamber, chamber.upper())}{int(match[2])}"


def _biennium(action: Action) -> int:
    """The legislative biennium a bill belongs to: most legislatures number bills afresh every two years,
    from an odd year. (Annual-session states reuse numbers yearly; two kratom bills with one number in
    consecutive years of one place are rare enough to accept.)"""
    year = action.history[0].date.year
    return year if year % 2 else year - 1


def _citation(text: str) -> str:
    return re.sub(r"[^a-z0-9.§-]+", "", text.lower().replace("section", "§").replace("sec.", "§"))


def group_events(actions: Iterable[Action], keys: Mapping[str, set[str]] | None = None) -> list[Action]:
    """The actions of one jurisdiction or many, one per event: members merged into their best reading.

    `keys` gives the event keys of some actions by notice, as `event_keys` reads them (regwatch.pipeline.readings
    stores them with each reading); the others' are read here."""
    by_place: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        by_place[action.jurisdiction].append(action)
    out: list[Action] = []
    for place in sorted(by_place):
        out.extend(merge(group) for group in _groups(by_place[place], keys or {}))
    return out


def _groups(acts: list[Action], known: Mapping[str, set[str]]) -> list[list[Action]]:
    """Members of each event: keyed acts joined by any shared key, then reports joined by date."""
    parent = list(range(len(acts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    keys = [known[a.notice] if a.notice in known else event_keys(a) for a in acts]
    owner: dict[str, int] = {}
    for i in range(len(acts)):
        for key in sorted(keys[i]):
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    official = [j for j, a in enumerate(acts) if keys[j] or not a.reported]
    loose: list[int] = []  # reports with no key seen so far
    for i, action in enumerate(acts):
        if not action.reported or keys[i]:
            continue
        match = _closest(action, [j for j in official if _same_act(action, acts[j])], acts, REPORT_WINDOW)
        if match is None:
            match = _closest(action, [j for j in loose if _same_act(action, acts[j])], acts, REPORTS_TOGETHER)
        if match is not None:
            parent[find(i)] = find(match)
        loose.append(i)
    groups: dict[int, list[Action]] = defaultdict(list)
    for i, action in enumerate(acts):
        groups[find(i)].append(action)
    return [groups[root] for root in sorted(groups)]


def _same_act(report: Action, other: Action) -> bool:
    """Whether `other` sets the same status on a substance the report names (same place assumed)."""
    return bool(status_pairs(report) & status_pairs(other))


def status_pairs(action: Action) -> set[tuple[Status, Substance]]:
    """(status, substance) for each substance a provision names and the status it sets: what tells a report
    and the act it reports apart from other acts (`_same_act`)."""
    return {(p.status, s) for p in action.provisions if p.status is not None for s in p.substances}


def _closest(report: Action, candidates: list[int], acts: list[Action], window: timedelta) -> int | None:
    """The candidate dated nearest the report, within the window (ties: the smaller notice id)."""
    near = [(abs((acts[j].published - report.published).days), acts[j].notice, j) for j in candidates]
    near = [item for item in near if item[0] <= window.days and acts[item[2]] is not report]
    return min(near)[2] if near else None


def _lead_order(action: Action) -> tuple[bool, bool, bool, int, float, date, str]:
    """Best reading first: decided by an analyst, hand-checked, official, surest, most confident, earliest."""
    return (
        not action.decided,
        action.source != "baseline",
        action.reported,
        -action.reliability.rank,
        -action.confidence,
        action.published,
        action.notice,
    )


def merge(members: list[Action]) -> Action:
    """One Action for an event: the lead's reading, every member's stages and evidence."""
    if len(members) == 1:
        only = members[0]
        return only.model_copy(update={"members": [only.notice], "urls": [only.url] if only.url else []})
    ordered = sorted(members, key=_lead_order)
    lead = ordered[0]
    dated = [m for m in ordered if not m.undated] or ordered
    # The event is named by the document that put the act in force when the lead did not (a notice of intent
    # joined by its order): "restricted under the order", not "under the notice of intent".
    named = lead
    if not any(e.stage in IN_FORCE_STAGES for e in lead.history):
        named = next((m for m in ordered if any(e.stage in IN_FORCE_STAGES for e in m.history)), lead)
    urls = list(dict.fromkeys(m.url for m in [named, *ordered] if m.url))
    return lead.model_copy(
        update={
            "title": named.title,
            "identifier": named.identifier,
            "history": _merged_history(dated),
            "undated": all(m.undated for m in members),
            "effective": lead.effective or next((m.effective for m in ordered if m.effective), None),
            "published": min(m.published for m in dated),
            "reported": _reported_further(members),
            "reliability": max((m.reliability for m in members), key=lambda r: r.rank),
            "members": sorted(m.notice for m in members),
            "urls": urls,
            "url": urls[0] if urls else None,
            "review": list(dict.fromkeys(r for m in members for r in m.review)),
            "dissent": {} if lead.decided else _dissent(lead, ordered[1:]),
        }
    )


def _dissent(lead: Action, others: list[Action]) -> dict[Substance, list[str]]:
    """Per substance, the members that read it to another status than the lead (a conflict until decided)."""
    out: dict[Substance, list[str]] = {}
    for substance in Substance:
        mine = _status_for(lead, substance)
        for other in others:
            theirs = _status_for(other, substance)
            if mine is not None and theirs is not None and theirs != mine and not other.decided:
                out.setdefault(substance, []).append(other.notice)
    return out


def _status_for(action: Action, substance: Substance) -> Status | None:
    """The strictest status an act's provisions give a substance (None: it sets none)."""
    statuses = [p.status for p in action.provisions if p.status is not None and substance in p.covers()]
    return max(statuses, key=STATUS_STRICTNESS.__getitem__) if statuses else None


def _reported_further(members: list[Action]) -> bool:
    """Whether a report carries the act further than any official document of it (a release announcing
    the order that follows a notice of intent): the event's stage is then only reported."""
    official = [_rank(e.stage) for m in members if not m.reported for e in m.history]
    reported = [_rank(e.stage) for m in members if m.reported for e in m.history]
    return bool(reported) and (not official or max(reported) > max(official))


def _merged_history(members: list[Action]) -> list[StageEvent]:
    """Every member's stages in date order; once the act is in force, no later proposal step undoes it."""
    events = sorted({(e.date, e.stage) for m in members for e in m.history}, key=lambda e: (e[0], _rank(e[1])))
    out: list[StageEvent] = []
    in_force = False
    for day, stage in events:
        if in_force and stage in PROPOSAL_STAGES:
            continue
        in_force = in_force or stage in IN_FORCE_STAGES
        if out and out[-1].stage == stage:
            continue
        out.append(StageEvent(date=day, stage=stage))
    return out


_ORDER: tuple[Stage, ...] = (*PROPOSAL_STAGES, *IN_FORCE_STAGES)


def _rank(stage: Stage) -> int:
    """On one day, a later step of a bill's life after an earlier one (introduced, then passed)."""
    return _ORDER.index(stage) if stage in _ORDER else len(_ORDER)
