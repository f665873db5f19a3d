"""`make demo`: the whole pipeline on the bundled demo archive, with the real spiders, at two as-of dates.

Loads the baseline, crawls the demo archive once through a loopback replay server (every spider, with
stand-in API keys), then publishes a run for 2026-06-01 and one for 2026-09-01, so the second run shows
what changed over the summer of 2026. Uses the default store (./data) and reports (./reports) unless
REGWATCH_DATA_DIR / REGWATCH_DATABASE_URL / REGWATCH_REPORTS_DIR say otherwise; `make demo` creates the
store first (`regwatch init`). Running it again changes
nothing: ingest is idempotent, runs of the same date are replaced, the HTTP cache answers 304s.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date

from regwatch import settings
from regwatch.domain.models import StatusRow
from regwatch.domain.vocab import Status, Substance
from regwatch.pipeline import steps
from regwatch.scraping.registry import keyed_sources
from regwatch.store import Store

FIRST_AS_OF = date(2026, 6, 1)
SECOND_AS_OF = date(2026, 9, 1)
# The replay ignores API keys; a stand-in lets the key-gated spiders run. It is never archived.
STAND_IN_KEY = "demo"
SHOWN_CHANGES = 15


def status_counts(rows: list[StatusRow], substance: Substance) -> str:
    """Rows per status for one substance, strictest first ("banned 9, restricted 3")."""
    counts = Counter(row.status for row in rows if row.substance == substance)
    return ", ".join(f"{status.value} {counts[status]}" for status in reversed(Status) if counts[status])


def main() -> int:
    store = Store.open()
    _, loaded = steps.load_baseline(store)
    print(f"baseline: {loaded.added} added, {loaded.updated} updated")
    stand_ins = dict.fromkeys(keyed_sources(), STAND_IN_KEY)
    health = steps.crawl_sources(store, replay="demo", api_keys=stand_ins)
    for h in health:
        mark = "ok" if h.ok else "not configured" if h.skipped else "BROKEN"
        print(f"  {h.source:<16} {mark:<14} {h.items:>3} notice(s)  {'' if h.ok else h.message}")
    reports = settings.reports_dir()
    # One crawl, two runs: both see the same crawl's health, as two daily runs would see theirs.
    outcomes = [
        steps.run_pipeline(store, day, reports_dir=reports, crawl=lambda: health) for day in (FIRST_AS_OF, SECOND_AS_OF)
    ]
    for outcome in outcomes:
        run = outcome.run
        print(f"\nrun {run.id}: {run.notices} notices, {len(outcome.rows)} status rows, {len(outcome.changes)} changes")
        for substance in (Substance.KRATOM, Substance.SEVEN_OH):
            print(f"  {substance.value:<7} {status_counts(outcome.rows, substance)}")
    changes = outcomes[-1].changes
    print(f"\nchanges {FIRST_AS_OF} -> {SECOND_AS_OF}, most severe first:")
    for change in changes[:SHOWN_CHANGES]:
        place = " ".join(part for part in (change.jurisdiction, change.substance) if part)
        print(f"  {change.severity.value:<8} {change.kind.value:<18} {place:<16} {change.summary}")
    if len(changes) > SHOWN_CHANGES:
        print(f"  ... and {len(changes) - SHOWN_CHANGES} more (see the report)")
    print(f"\nreport: {reports / 'latest' / 'index.html'}")
    return 0 if all(h.ok for h in health) else 1


if __name__ == "__main__":
    sys.exit(main())
