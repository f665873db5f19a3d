"""Build regwatch/data/demo/demo.warc.gz, the archive `make demo` and `regwatch run --replay demo` replay.

Run once after changing the content (the output is committed):

    .venv/bin/python demo/build_archive.py [--out PATH]

The URLs come from the spiders themselves (their start URLs and the links their parsers follow), so the
archive answers exactly what they ask. The content is ours: api.py (JSON APIs) and pages/*.html
(fda.gov, dea.gov, the Wikipedia section), in the shapes of the real sources (docs/sources.md), with facts
from the project's initial research notes (not part of this repository), as the curated baseline has them.
The output is byte-for-byte reproducible: fixed capture dates, record ids derived from content.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a script: this folder is on sys.path, so its api.py imports by name.
import api as demo_api

from regwatch.evidence.records import Archive, Capture
from regwatch.evidence.writer import ArchiveWriter
from spiders import (
    cdph,
    clinicaltrials,
    congress,
    dea,
    fda,
    fda_warning_letters,
    federal_register,
    florida_ag,
    legiscan,
    massachusetts_dph,
    ohio_pharmacy,
    openstates,
    wikipedia,
)

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "regwatch" / "data" / "demo" / "demo.warc.gz"
# Captured "on" this day: after every fact in the demo, so each run's as-of date sees what it should.
CAPTURED = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"


def pages() -> list[tuple[str, bytes, str]]:
    """(live URL, body, content type) of every page in the demo archive."""

    def html(name: str) -> bytes:
        return (HERE / "pages" / name).read_bytes()

    def legiscan_url(**params: str) -> str:
        spider = legiscan.LegiscanSpider.__new__(legiscan.LegiscanSpider)
        spider.api_key = ""  # stripped anyway: no key is ever recorded
        return spider.api(**params)

    api: list[tuple[str, Any]] = []
    api += demo_api.federal_register(federal_register.FederalRegisterSpider.start_urls[0])
    api += demo_api.federal_register_inspection(*federal_register.FederalRegisterSpider.start_urls[1:])
    letters = "https://www.fda.gov/inspections-compliance-enforcement-and-criminal-investigations/warning-letters"
    api += demo_api.fda_warning_letters(fda_warning_letters.FdaWarningLettersSpider.start_urls, letters)
    api += demo_api.congress(congress.RECENT)
    api += demo_api.openstates(openstates.OpenStatesSpider.start_urls[0])
    search = legiscan_url(op="getSearch", state="ALL", query="kratom", page="1")
    api += demo_api.legiscan(search, lambda bill_id: legiscan_url(op="getBill", id=str(bill_id)))
    section = html("wikipedia_legal_status.html").decode("utf-8")
    api += demo_api.wikipedia(wikipedia.WikipediaSpider.api_url, section)
    api += demo_api.clinicaltrials(clinicaltrials.ClinicalTrialsSpider.start_urls[0])
    found = [(url, json.dumps(body, indent=1, ensure_ascii=False).encode("utf-8"), JSON_TYPE) for url, body in api]

    fda_site = "https://www.fda.gov/news-events/press-announcements"
    dea_site = "https://www.dea.gov/press-releases"
    found += [
        (fda.TOPIC_PAGE, html("fda_and_kratom.html"), HTML_TYPE),
        (fda.IMPORT_ALERT, html("fda_import_alert_54_15.html"), HTML_TYPE),
        (fda.PRESS_LIST, html("fda_press_list_0.html"), HTML_TYPE),
        (f"{fda.PRESS_LIST}?page=1", html("fda_press_list_1.html"), HTML_TYPE),
        (fda.KNOWN_RELEASES[0], html("fda_7oh_restrict.html"), HTML_TYPE),
        (f"{fda_site}/fda-warns-companies-marketing-concentrated-7-oh-products", html("fda_7oh_warning_letters.html"),
         HTML_TYPE),
        (dea.DeaSpider.list_urls[0], html("dea_press_list_0.html"), HTML_TYPE),
        (f"{dea.DeaSpider.list_urls[0]}?page=1", html("dea_press_list_1.html"), HTML_TYPE),
        (f"{dea_site}/2026/07/01/dea-temporarily-schedule-7-oh-and-related-substances-protect-public",
         html("dea_7oh_temporary_scheduling.html"), HTML_TYPE),
        (f"{letters}/shaman-botanicals-llc-709999-06252025", html("fda_warning_letter_7oh.html"), HTML_TYPE),
        # CDPH lists one page a year; the spider asks for this year's and last year's (2026 and 2025 here).
        (cdph.LIST.format(year=2026), html("cdph_news_list_2026.html"), HTML_TYPE),
        (cdph.LIST.format(year=2025), html("cdph_news_list_2025.html"), HTML_TYPE),
        (cdph.CdphSpider.known_urls[0], html("cdph_kratom_7oh_illegal.html"), HTML_TYPE),
        (ohio_pharmacy.OhioPharmacySpider.list_urls[0], html("ohio_pharmacy_news_list.html"), HTML_TYPE),
        (ohio_pharmacy.OhioPharmacySpider.known_urls[0], html("ohio_pharmacy_emergency_rule.html"), HTML_TYPE),
        (florida_ag.FloridaAgSpider.list_urls[0], html("florida_ag_news_list.html"), HTML_TYPE),
        (florida_ag.FloridaAgSpider.known_urls[0], html("florida_ag_emergency_rule_7oh.html"), HTML_TYPE),
        (massachusetts_dph.MassachusettsDphSpider.list_urls[0], html("massachusetts_dph_news_list.html"), HTML_TYPE),
        (massachusetts_dph.MassachusettsDphSpider.known_urls[0], html("massachusetts_dph_order_kratom.html"),
         HTML_TYPE),
    ]  # fmt: skip
    return found


def build(out: Path) -> int:
    """Write the archive to `out` (replacing it); return the number of pages."""
    found = pages()
    # Built in an empty folder: nothing else there to dedupe against, and no index.jsonl shipped (the
    # replay scans the one file).
    with tempfile.TemporaryDirectory() as tmp:
        with ArchiveWriter.create(Archive(Path(tmp)), out.name, software="regwatch demo archive builder") as writer:
            for i, (url, body, content_type) in enumerate(found):
                moment = CAPTURED + timedelta(seconds=i)  # distinct dates keep the order of capture
                headers = [("Content-Type", content_type)]
                writer.write(Capture(uri=url, status=200, headers=headers, body=body, date=moment))
        shutil.move(Path(tmp) / out.name, out)
    return len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT})")
    args = parser.parse_args()
    count = build(args.out.resolve())
    print(f"{args.out}: {count} pages, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
