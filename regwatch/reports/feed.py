"""The Atom feed of a run's changes (feed.xml), made with feedgen, which escapes every text it is given."""

from __future__ import annotations

from datetime import UTC, datetime, time

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from regwatch.domain import jurisdictions
from regwatch.domain.changes import most_severe_first
from regwatch.domain.models import Change, Run
from regwatch.reports import words
from regwatch.reports.pages import page_href
from regwatch.reports.render import web_url

SUBSTANCE_SCHEME = "urn:regwatch:substance"
FEED_ID = "urn:regwatch:changes"  # one feed across runs: readers keep entries by id, so it must not move


class _Entry(FeedEntry):  # type: ignore[misc]
    """A feed entry whose links keep their rel and type.

    feedgen 1.0.0 writes only href on entry links (a shadowed loop variable, lkiesow/python-feedgen#135),
    which would make every evidence link a second rel="alternate"; this puts the attributes back.
    """

    def atom_entry(self, extensions: bool = True) -> object:
        entry = super().atom_entry(extensions)
        elements = [e for e in entry if str(e.tag).rsplit("}", 1)[-1] == "link"]
        for element, spec in zip(elements, self.link() or [], strict=True):
            for attribute in ("rel", "type", "hreflang", "title", "length"):
                if spec.get(attribute):
                    element.set(attribute, str(spec[attribute]))
        return entry


def entry_id(change: Change) -> str:
    """The Atom id of a change: stable, because Change.id is derived from what changed."""
    return f"urn:regwatch:change:{change.id}"


def run_updated(run: Run) -> datetime:
    """The run's date as a timestamp (midnight UTC of its as-of date): a re-run gives the same feed."""
    return datetime.combine(run.as_of, time(0), tzinfo=UTC)


def render_feed(run: Run, changes: list[Change], base_url: str | None = None) -> bytes:
    """The Atom document; links are relative to the run folder unless `base_url` (the reports root) is set."""
    updated = run_updated(run)
    prefix = _prefix(run, base_url)
    fg = FeedGenerator()
    fg.id(FEED_ID)
    fg.title("regwatch: kratom regulatory changes")
    fg.subtitle(f"Changes found by run {run.id} (law as of {run.as_of.isoformat()})")
    fg.author({"name": "regwatch"})  # Atom requires an author on the feed when entries carry none
    fg.language("en")
    fg.updated(updated)
    fg.link(href=prefix + "index.html", rel="alternate", type="text/html")
    if base_url:
        fg.link(href=prefix + "feed.xml", rel="self", type="application/atom+xml")
    for change in most_severe_first(changes):
        _add_entry(fg, change, updated, prefix)
    return bytes(fg.atom_str(pretty=True))


def _add_entry(fg: FeedGenerator, change: Change, updated: datetime, prefix: str) -> None:
    entry = fg.add_entry(_Entry(), order="append")  # keep the caller's order: most severe first
    entry.id(entry_id(change))
    reported = f" ({words.REPORTED})" if change.reported else ""
    entry.title(f"[{change.severity.value}] {change.summary}{reported}")
    entry.updated(updated)
    page = page_href(change.jurisdiction) if change.jurisdiction else "index.html#failed"
    entry.link(href=prefix + page, rel="alternate", type="text/html")
    for url in change.evidence:
        href = web_url(url)
        if href:
            entry.link(href=href, rel="related")
    entry.summary(_describe(change))
    entry.category(term=change.severity.value, label=f"severity: {change.severity.value}")
    entry.category(term=change.kind.value, label=f"kind: {change.kind.value}")
    if change.jurisdiction:
        entry.category(term=change.jurisdiction, label=jurisdictions.label(change.jurisdiction))
    for substance in change.substances:  # every substance the event moves, so a reader can filter on any
        entry.category(term=substance.value, label=f"substance: {substance.value}", scheme=SUBSTANCE_SCHEME)


def _describe(change: Change) -> str:
    """A plain-text summary: what changed, from what to what, when, for which substances, and how sure it is."""
    parts = [change.summary]
    if change.old_status or change.new_status:
        old = change.old_status.value if change.old_status else "-"
        new = change.new_status.value if change.new_status else "-"
        parts.append(f"Status: {old} -> {new}.")
    if change.stage:
        parts.append(f"Stage: {change.stage.value}.")
    if change.effective:
        parts.append(f"Effective: {change.effective.isoformat()}.")
    if change.substances:
        label = "Substances" if len(change.substances) > 1 else "Substance"
        parts.append(f"{label}: {words.substances(change)}.")
    if change.reported:
        parts.append(f"{words.REPORTED[0].upper()}{words.REPORTED[1:]}.")
    if change.reliability:
        parts.append(f"Reliability: {words.evidence(change.reliability)}.")
    return " ".join(parts)


def _prefix(run: Run, base_url: str | None) -> str:
    if not base_url:
        return ""
    return (base_url if base_url.endswith("/") else base_url + "/") + f"{run.id}/"
