"""`regwatch show NOTICE`: one stored notice as an analyst checks it: what it says, how the rules (or a person)
read it, the legal event it belongs to and the other notices reporting that event, the status cells it decides
or would change, and where it came from (URL, retrieved, archived copy)."""

from __future__ import annotations

import difflib
import json
import re
from datetime import date
from typing import Any

from regwatch.domain import jurisdictions
from regwatch.domain.models import Action, Notice, Provision, StatusRow
from regwatch.errors import BadInput
from regwatch.store import Store

EXCERPT = 600  # characters of the notice's text shown on a terminal (JSON carries it whole)


def find_notice(store: Store, given: str) -> Notice:
    """The stored notice with this id, else the one with this identifier (`HB 1234`, `hb1234`); BadInput naming the
    nearest ids otherwise, or the ids to choose from when an identifier names several."""
    found = store.notice(given.strip())
    if found is not None:
        return found
    wanted = _folded(given)
    ids: list[str] = []
    matched: list[Notice] = []
    for notice in store.notices():
        ids.append(notice.id or "")
        if notice.identifier and _folded(notice.identifier) == wanted:
            matched.append(notice)
    if len({n.jurisdiction for n in matched}) == 1:
        # One place's bill reported by several sources (or several sessions): the newest; `show` lists the
        # others that report the same act.
        return max(matched, key=lambda n: (n.published, n.id or ""))
    if matched:
        choices = ", ".join(f"{n.id} ({n.jurisdiction})" for n in matched)
        raise BadInput(f"{given!r} is the identifier of {len(matched)} notices: give the id of one of {choices}")
    close = difflib.get_close_matches(given.strip(), ids, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise BadInput(
        f"no notice {given!r} in the store (give a notice id, as `regwatch changes` and `regwatch status --format "
        f"json` print them, or a bill number or citation){hint}"
    )


def _folded(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def describe(
    notice: Notice, reading: Action, event: Action | None, others: list[Action], rows: list[StatusRow], day: date
) -> dict[str, Any]:
    """Everything `show` prints, as JSON carries it."""
    members = set(event.members if event is not None else []) | {reading.notice}
    decides = [r for r in rows if r.deciding in members]
    would = [
        r for r in rows if any(p.notice in members for p in r.pending) or any(s.notice in members for s in r.scheduled)
    ]
    return {
        "id": notice.id,
        "jurisdiction": notice.jurisdiction,
        "name": jurisdictions.display_name(notice.jurisdiction),
        "source": notice.source,
        "kind": notice.kind.value,
        "identifier": notice.identifier,
        "title": notice.title,
        "published": notice.published.isoformat(),
        "effective": notice.effective.isoformat() if notice.effective else None,
        "url": notice.url,
        "retrieved": notice.retrieved.isoformat() if notice.retrieved else None,
        "archive": notice.archive,
        "text": notice.text,
        "actions": [a.model_dump(mode="json") for a in notice.actions],
        "reading": {
            "measure": reading.measure.value,
            "substances": [s.value for s in reading.substances],
            "stage": reading.history[-1].stage.value,
            "effective": reading.effective.isoformat() if reading.effective else None,
            "confidence": reading.confidence,
            "rule": reading.rule,
            "provisions": [p.model_dump(mode="json") for p in reading.provisions],
            "reliability": reading.reliability.value,
            "reported": reading.reported,
            "language": reading.language,
            "decided": reading.decided,
            "review": list(reading.review),
        },
        "event": {
            "lead": event.notice if event is not None else reading.notice,
            "stage": (event or reading).history[-1].stage.value,
            "others": [
                {"id": o.notice, "source": o.source, "title": o.title, "url": o.url, "identifier": o.identifier}
                for o in others
            ],
        },
        "as_of": day.isoformat(),
        "decides": [{"jurisdiction": r.jurisdiction, "substance": r.substance.value, "status": r.status.value}
                    for r in decides],
        "would_change": [
            {
                "jurisdiction": r.jurisdiction,
                "substance": r.substance.value,
                "pending": [p.model_dump(mode="json") for p in r.pending if p.notice in members],
                "scheduled": [s.model_dump(mode="json") for s in r.scheduled if s.notice in members],
            }
            for r in would
        ],
    }  # fmt: skip


def show_json(described: dict[str, Any]) -> str:
    return json.dumps(described, indent=2) + "\n"


def show_lines(d: dict[str, Any]) -> list[str]:
    """The description in words, a line each (printed as they are: never read as markup)."""
    r = d["reading"]
    lines = [
        d["title"],
        f"  id          {d['id']}",
        f"  where       {d['name']} ({d['jurisdiction']})",
        f"  what        {d['kind']}" + (f" {d['identifier']}" if d["identifier"] else "") + f", from {d['source']}",
        f"  published   {d['published']}" + (f"; effective {d['effective']}" if d["effective"] else ""),
    ]
    if d["text"]:
        text = " ".join(d["text"].split())
        lines += ["", "Text:", "  " + (text[:EXCERPT] + " ..." if len(text) > EXCERPT else text)]
    if d["actions"]:
        lines += ["", "Steps:"] + [f"  {a['date']}  {a['description']}" for a in d["actions"]]
    lines += [
        "",
        f"Reading: {r['measure']} {', '.join(r['substances']) or '(no substance)'}, stage {r['stage']}"
        + (f", effective {r['effective']}" if r["effective"] else ""),
        f"  by          {'an analyst (see `regwatch review log`)' if r['decided'] else 'the rules'}; confidence "
        f"{r['confidence']:.2f}; {r['reliability']}"
        + (", reported: official text not yet seen" if r["reported"] else "")
        + (f"; language {r['language']}" if r["language"] else ""),
        f"  rule        {r['rule']}",
    ]
    lines += [f"  - {_provision(Provision.model_validate(p))}" for p in r["provisions"]]
    if r["review"]:
        lines += [f"  under review: {'; '.join(r['review'])}"]
    event = d["event"]
    lines += ["", f"Event: {len(event['others']) + 1} notice(s) report this act (stage {event['stage']})"]
    lines += [
        f"  {o['id']}  {o['source']}: {o['title']}" + (f"  {o['url']}" if o["url"] else "") for o in event["others"]
    ]
    if not event["others"]:
        lines.append("  no other notice reports it")
    lines += ["", f"Status on {d['as_of']}:"]
    lines += [f"  decides {c['jurisdiction']} {c['substance']}: {c['status']}" for c in d["decides"]]
    for w in d["would_change"]:
        place = f"{w['jurisdiction']} {w['substance']}"
        lines += [f"  pending for {place}: {p['measure']} ({p['stage']})" for p in w["pending"]]
        lines += [
            f"  scheduled for {w['jurisdiction']} {w['substance']}: {s['status']} from {s['effective']}"
            for s in w["scheduled"]
        ]
    if not d["decides"] and not d["would_change"]:
        lines.append("  decides no cell and changes none")
    lines += [
        "",
        "Sources:",
        f"  url         {d['url'] or '(none)'}",
        f"  retrieved   {d['retrieved'] or '(not recorded)'}",
        f"  archived    {d['archive'] or '(no archived copy)'}",
    ]
    return lines


def _provision(p: Provision) -> str:
    """ "regulate kratom (sale): 21+, licence" """
    detail = p.detail
    parts = [f"{detail.age}+" if detail.age is not None else "", detail.cap or "", "licence" if detail.licence else ""]
    parts.append(f"tax {detail.tax}" if detail.tax else "")
    extra = ", ".join(x for x in parts if x)
    subs = ", ".join(s.value for s in p.substances) or "(no substance)"
    return f"{p.measure.value} {subs} ({p.scope.value})" + (f": {extra}" if extra else "")
