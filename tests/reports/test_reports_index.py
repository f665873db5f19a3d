"""index.html and its sections: changes most severe first, one map tile per state, the 90-day window."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import lxml.html
import pycountry
import pytest

from regwatch.domain.changes import most_severe_first
from regwatch.domain.models import ScheduledItem, StatusRow
from regwatch.domain.vocab import Severity, Status, Substance
from regwatch.reports import sections, tilemap
from tests.reports.report_sample import AS_OF, Sample, table, text

# 50 states, DC and Puerto Rico: the map's jurisdictions, from ISO 3166-2 rather than from our own grid.
MAP_CODES = {s.code for s in pycountry.subdivisions.get(country_code="US") if s.type in ("State", "District")} | {
    "US-PR"
}


def index(folder: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((folder / "index.html").read_text(encoding="utf-8"))


def test_ordered_changes_most_severe_first(sample: Sample) -> None:
    ordered = most_severe_first(sample.changes)
    # critical ones by effective date (Indiana 2014 before Florida 2025), then high, medium, low
    assert [c.id for c in ordered] == ["c-in", "c-fl", "c-broken", "c-tx", "c-news"]


def test_index_lists_changes_most_severe_first_with_old_new_date_and_evidence(written: Path) -> None:
    doc = index(written)
    cells = table(doc, "changes")
    assert [c[0] for c in cells] == ["critical", "critical", "high", "medium", "low"]
    assert cells[0][1:3] == ["Indiana (US-IN)", "kratom"]
    assert cells[0][4:] == ["unknown → banned", "2014-07-01", "example.org/in-ban"]
    assert cells[1][4:] == ["regulated → restricted", "2025-08-15", "flrules.org/64ER25-7"]
    assert doc.xpath('//section[@id="changes"]//tbody/tr[2]/td[@class="evidence"]/a/@href') == [
        "https://www.flrules.org/64ER25-7"
    ]


def test_map_has_exactly_one_tile_per_state_dc_and_pr(written: Path) -> None:
    maps = index(written).xpath("//svg")
    assert len(maps) == len(tilemap.MAP_SUBSTANCES)
    for svg in maps:
        codes = svg.xpath(".//*[@data-jurisdiction]/@data-jurisdiction")
        assert sorted(codes) == sorted(MAP_CODES)
        assert svg.xpath("./title") and svg.xpath("./desc")


def test_tiles_read_without_colour_and_link_to_pages(written: Path) -> None:
    kratom_map = index(written).xpath("//svg")[0]
    tile = kratom_map.xpath('.//g[@data-jurisdiction="US-IN"]')[0]
    assert [t.text for t in tile.xpath("./text")] == ["IN", "BAN"]
    assert tile.getparent().get("href") == "j/US-IN.html"
    assert "last verified 2025-07-31" in tile.xpath("./title")[0].text
    missing = kratom_map.xpath('.//g[@data-jurisdiction="US-WY"]')[0]  # no row: unknown, still drawn
    assert [t.text for t in missing.xpath("./text")] == ["WY", "UNK"]
    for href in kratom_map.xpath(".//a/@href"):
        assert (written / href).is_file(), href


def test_grid_positions_are_distinct_and_inside_the_grid() -> None:
    positions = list(tilemap.GRID.values())
    assert len(set(positions)) == len(positions) == len(MAP_CODES)
    assert set(tilemap.GRID) == MAP_CODES
    assert all(0 <= col < tilemap.COLUMNS and 0 <= row < tilemap.ROWS for col, row in positions)


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("status", list(Status))
def test_tile_text_has_wcag_aa_contrast(status: Status) -> None:
    style = tilemap.STATUS_STYLES[status]
    light, dark = sorted((_luminance(style.fill), _luminance(style.text)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5


def _scheduled(effective: date) -> StatusRow:
    item = ScheduledItem(status=Status.BANNED, effective=effective, notice=f"n-{effective}")
    return StatusRow(jurisdiction="US-GA", substance=Substance.KRATOM, status=Status.LEGAL, scheduled=[item])


def test_upcoming_keeps_today_to_day_90_inclusive() -> None:
    days = [-1, 0, 1, 89, 90, 91, 400]
    rows = [_scheduled(AS_OF + timedelta(days=d)) for d in days]
    found = sections.upcoming(list(reversed(rows)), {}, AS_OF)
    assert [(u.days, u.item.notice) for u in found] == [(d, f"n-{AS_OF + timedelta(days=d)}") for d in (0, 1, 89, 90)]


def test_index_upcoming_and_pending_sections(written: Path) -> None:
    doc = index(written)
    assert table(doc, "upcoming") == [
        [
            "2025-08-15",
            "14 days",
            "Florida (US-FL)",
            "7-oh",
            "regulated → restricted",
            "Emergency rule 64ER25-7 on 7-OH",
        ],
        ["2025-10-30", "90 days", "Colorado (US-CO)", "kratom", "legal → regulated", "Bill co-90"],
    ]
    assert table(doc, "pending") == [
        ["Ohio (US-OH)", "SB 45 Bill oh-sb", "restrict", "passed_chamber", "7-oh", "2025-06-01"],
        ["Texas (US-TX)", "HB 1234 Kratom Consumer Protection Act", "ban", "introduced", "kratom, 7-oh", "2025-03-01"],
    ]


def test_failed_sources_are_shown_prominently(written: Path) -> None:
    doc = index(written)
    banner = doc.xpath('//header//p[@class="alert"]')[0]
    assert "1 source failed this run" in banner.text_content()
    assert table(doc, "failed") == [["openstates", "HTTP 500 <script>alert(1)</script>", "0", "0", "US-*"]]
    assert "legiscan" in doc.xpath('//p[@class="note"]')[0].text_content()  # skipped, not failed


def test_status_tables_show_last_verified_and_nations(written: Path) -> None:
    doc = index(written)
    nations = doc.xpath('//section[@id="nations"]//tbody/tr/th')
    assert [text(th) for th in nations] == ["United States (federal) (US)", "Thailand (TH)"]
    indiana = doc.xpath('//section[@id="states"]//tbody/tr[th/a/@href="j/US-IN.html"]/td')[0]
    assert text(indiana) == "BAN banned since 2014-07-01 · verified 2025-07-31"
    states = doc.xpath('//section[@id="states"]//tbody/tr')
    assert len(states) == len(MAP_CODES)
    assert doc.xpath('//section[@id="localities"]//tbody/tr/th/a/@href') == ["j/US-CA_san-diego.html"]


def test_page_is_accessible_and_self_contained(written: Path) -> None:
    doc = index(written)
    assert doc.get("lang") == "en"
    assert doc.xpath("//main") and doc.xpath("//header") and doc.xpath("//nav") and doc.xpath("//footer")
    assert all(th.get("scope") in ("col", "row") for th in doc.xpath("//th"))
    assert not doc.xpath("//script | //link | //img | //iframe | //object")
    assert "@media print" in doc.xpath("//style")[0].text
    for src in doc.xpath("//@src"):
        pytest.fail(f"external resource {src}")


def test_no_changes_and_no_rows_still_render(sample: Sample, tmp_path: Path) -> None:
    sample.changes, sample.rows, sample.actions = [], [], []
    folder = sample.write(tmp_path / "reports")
    doc = index(folder)
    assert "No changes since the previous run." in doc.text_content()
    assert len(doc.xpath("//svg//*[@data-jurisdiction]")) == 2 * len(MAP_CODES)


def test_severity_counts_in_header(written: Path) -> None:
    meta = index(written).xpath('//header/p[@class="meta"]')[0].text_content()
    assert "5 changes · 2 critical, 1 high, 1 medium, 1 low" in " ".join(meta.split())
    assert [s.value for s in Severity] == ["critical", "high", "medium", "low"]


def test_report_md_has_the_same_sections_in_order(written: Path) -> None:
    report = (written / "report.md").read_text(encoding="utf-8")
    headings = [line for line in report.splitlines() if line.startswith("#")]
    assert headings == [
        "# Kratom regulatory status as of 2025-08-01",
        "## What changed since the last run",
        "## Sources that failed",
        "## Not configured: sources not run this time",
        "## Taking effect in the next 90 days",
        "## Pending legislation",
        "## Status",
    ]
    changes = report.split("## What changed since the last run")[1].split("##")[0]
    severities = [line.split("|")[1].strip() for line in changes.splitlines() if line.startswith("| ")][1:]
    assert severities == ["critical", "critical", "high", "medium", "low"]
    assert (
        "| critical | Florida (US-FL) | 7-oh | Florida restricts 7-OH from 2025-08-15 |  | regulated -> restricted | "
        "2025-08-15 | <https://www.flrules.org/64ER25-7> |" in report
    )
