"""`make demo`: the whole pipeline on the bundled demo archive, with the real spiders, at two as-of dates.

Loads the baseline, crawls the demo archive once through a loopback replay server (every spider, with
stand-in API keys), then publishes a run for 2026-06-01 and one for 2026-09-01, so the second run shows
what changed over the summer of 2026. Uses the default store (./data) and reports (./reports) unless
REGWATCH_DATA_DIR / REGWATCH_DATABASE_URL / REGWATCH_REPORTS_DIR say otherwise; `make demo` creates the
store first (`regwatch init`). Running it again changes
nothing: ingest is idempotent, runs of the same date are replaced, the HTTP cache answers 304s.

It narrates as it goes, for a newcomer: what it loads, what each source yields from the archive, what changed
between the two dates and why (each change's explanation, and whether the crawl or the baseline brought it),
and where the report is.
"""

from __future__ import annotations

import sys
import textwrap
from collections import Counter
from datetime import date

from regwatch import settings
from regwatch.domain import jurisdictions
from regwatch.domain.models import Change, SourceHealth, StatusRow
from regwatch.domain.vocab import ChangeKind, Status, Substance
from regwatch.evidence.replay import demo_archive
from regwatch.inputs.baseline import SOURCE as BASELINE_SOURCE
from regwatch.pipeline import steps
from regwatch.scraping.registry import keyed_sources
from regwatch.store import IngestResult, Store

FIRST_AS_OF = date(2026, 6, 1)
SECOND_AS_OF = date(2026, 9, 1)
# The replay ignores API keys; a stand-in lets the key-gated spiders run. It is never archived.
STAND_IN_KEY = "demo"
SHOWN_CHANGES = 15
WIDTH = 110
PENDING_KINDS = (ChangeKind.PENDING_ADDED, ChangeKind.PENDING_ADVANCED)


def status_counts(rows: list[StatusRow], substance: Substance) -> str:
    """Rows per status for one substance, strictest first ("banned 9, restricted 3")."""
    counts = Counter(row.status for row in rows if row.substance == substance)
    return ", ".join(f"{status.value} {counts[status]}" for status in reversed(Status) if counts[status])


def crawled_by(change: Change) -> list[str]:
    """The crawled sources behind a change (its notices' sources other than the baseline), in order."""
    sources = [notice.split(":", 1)[0] for notice in change.notices]
    return list(dict.fromkeys(s for s in sources if s != BASELINE_SOURCE))


def provenance(change: Change) -> str:
    """ "from the crawl (openstates)", "from the baseline and the crawl (openstates)", "from the baseline" """
    crawled = crawled_by(change)
    if not crawled:
        return "from the baseline" if change.notices else ""
    baseline = any(notice.startswith(f"{BASELINE_SOURCE}:") for notice in change.notices)
    return f"from {'the baseline and ' if baseline else ''}the crawl ({', '.join(crawled)})"


def say(text: str = "") -> None:
    print(text, flush=True)  # flushed: `make demo` shows each line as it happens, not at the end


def source_line(name: str, health: SourceHealth | None, counts: IngestResult | None) -> None:
    """One line per source as it finishes (nothing when it starts)."""
    if health is None:
        return
    mark = "ok" if health.ok else "not configured" if health.skipped else "BROKEN"
    added, updated = (counts.added, counts.updated) if counts else (0, 0)
    line = f"  {name:<20} {mark:<6} {health.pages:>3} page(s) {health.items:>3} notice(s)  {added:>3} new {updated:>3} updated"  # noqa: E501
    say(line if health.ok else f"{line}  {health.message}")


def main() -> int:
    store = Store.open()
    say(f"regwatch demo: the whole pipeline on a bundled archive, run on {FIRST_AS_OF} and on {SECOND_AS_OF}.")
    say(f"Store: {store.where()}")
    say()
    say("1. Load the curated baseline: cited facts of kratom law (US federal, every state, DC, PR, localities,")
    say("   nations), the law a crawler cannot see because it was made before the crawl began.")
    facts, loaded = steps.load_baseline(store)
    say(f"baseline: {loaded.added} added, {loaded.updated} updated")
    say(f"   {facts} facts in the store ({loaded.added} added now; a second demo adds none).")
    say()
    say(f"2. Crawl the bundled archive ({demo_archive().name}: recorded pages of FDA, DEA, the Federal Register,")
    say("   Congress, Open States, LegiScan, state agencies, Wikipedia) with the real spiders, through a replay server")
    say("   on loopback, as if they were the live sites. Per source: pages fetched, notices found, new in the store:")
    stand_ins = dict.fromkeys(keyed_sources(), STAND_IN_KEY)
    health = steps.crawl_sources(store, replay="demo", api_keys=stand_ins, on_source=source_line)
    states = Counter("ok" if h.ok else "not configured" if h.skipped else "broken" for h in health)
    say(f"   {sum(h.items for h in health)} notices from {len(health)} sources: {states['ok']} ok, "
        f"{states['broken']} broken, {states['not configured']} not configured.")  # fmt: skip
    reports = settings.reports_dir()
    say()
    say("3. Publish a run for each date: read every notice by the rules, fold the status table as the law stood that")
    say("   day, compare with the run before, write the reports, queue the alerts.")
    # One crawl, two runs: both see the same crawl's health, as two daily runs would see theirs.
    outcomes = [
        steps.run_pipeline(store, day, reports_dir=reports, crawl=lambda: health) for day in (FIRST_AS_OF, SECOND_AS_OF)
    ]
    for outcome in outcomes:
        run = outcome.run
        say(f"run {run.id}: {run.notices} notices, {len(outcome.rows)} status rows, {len(outcome.changes)} changes")
        for substance in (Substance.KRATOM, Substance.SEVEN_OH):
            say(f"  {substance.value:<7} {status_counts(outcome.rows, substance)}")
    say("   (the first run has nothing before it to compare with; the second is compared with the first)")
    changes = outcomes[-1].changes
    say()
    say(f"4. What changed between {FIRST_AS_OF} and {SECOND_AS_OF}, most severe first, and why:")
    for change in changes[:SHOWN_CHANGES]:
        place = jurisdictions.label(change.jurisdiction) or (f"source {change.source}" if change.source else "")
        say(f"  [{change.severity.value}] {change.summary}")
        say(f"      {place}; {change.kind.value.replace('_', ' ')}; {provenance(change)}")
        if change.explanation:
            for line in textwrap.wrap(f"why: {change.explanation}", WIDTH, initial_indent="      ",
                                      subsequent_indent="           "):  # fmt: skip
                say(line)
    if len(changes) > SHOWN_CHANGES:
        say(f"  ... and {len(changes) - SHOWN_CHANGES} more (see the report)")
    crawl_only = [c for c in changes if crawled_by(c) and not provenance(c).startswith("from the baseline")]
    moved = [c for c in crawl_only if c.kind is ChangeKind.STATUS_CHANGED]
    pending = [c for c in crawl_only if c.kind in PENDING_KINDS]
    say(f"   The crawl alone brought {len(moved)} status change(s) and {len(pending)} pending proposal(s):")
    for change in moved + pending:
        say(f"     {change.jurisdiction}: {change.summary}")
    say()
    say("5. The report (a map, a page per jurisdiction, Markdown, CSV, JSON and an Atom feed):")
    say(f"report: {reports / 'latest' / 'index.html'}")
    say("   Then ask the store: regwatch status -j massachusetts; regwatch upcoming --as-of 2026-09-01;")
    say('   regwatch show "A 10969"; regwatch changes --format csv')
    return 0 if all(h.ok for h in health) else 1


if __name__ == "__main__":
    sys.exit(main())
