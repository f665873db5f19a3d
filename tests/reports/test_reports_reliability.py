"""Every report says, in words, how reliable each cell and change is: detail, review, unverified, reported, and
every substance a change moves; only a primary cell claims official text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import lxml.html
import pytest

from regwatch.domain.models import PendingItem
from regwatch.domain.vocab import ChangeKind, DatePrecision, Measure, Reliability, Severity, Stage, Status, Substance
from tests.reports.report_sample import Sample, build_sample, change, table, text

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def judged() -> Sample:
    """The sample with the fold's judgement filled in: a primary cell known to a year, an unverified one under
    review, a pending bill known only from a report, and one reported event moving two substances."""
    sample = build_sample()
    for i, row in enumerate(sample.rows):
        if row.key == ("US-IN", "kratom"):
            sample.rows[i] = row.model_copy(
                update={
                    "since": date(2014, 1, 1),
                    "since_precision": DatePrecision.YEAR,
                    "reliability": Reliability.PRIMARY,
                    "detail": "sale banned; possession not an offence",
                }
            )
        elif row.key == ("US-IN", "7-oh"):
            sample.rows[i] = row.model_copy(update={"reliability": Reliability.SECONDARY})
        elif row.key == ("US-FL", "7-oh"):
            sample.rows[i] = row.model_copy(
                update={
                    "reliability": Reliability.UNVERIFIED,
                    "review": True,
                    "detail": "21+, 7-OH <= 2% of the alkaloid fraction",
                }
            )
        elif row.key == ("US-TX", "kratom"):
            reported = PendingItem(measure=Measure.BAN, stage=Stage.INTRODUCED, notice="tx-hb", reported=True)
            sample.rows[i] = row.model_copy(update={"pending": [reported]})
    sample.changes.append(
        change(
            "c-ky",
            Severity.HIGH,
            ChangeKind.STATUS_CHANGED,
            "Kentucky bans 7-OH and synthetic alkaloids",
            jurisdiction="US-KY",
            substances=[Substance.SEVEN_OH, Substance.SYNTHETIC],
            old_status=Status.REGULATED,
            new_status=Status.BANNED,
            effective=date(2025, 9, 1),
            evidence=["https://example.org/ky-news"],
            reliability=Reliability.SECONDARY,
            reported=True,
        )
    )
    return sample


def html(folder: Path, name: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((folder / name).read_text(encoding="utf-8"))


def state_cells(doc: lxml.html.HtmlElement, code: str) -> list[str]:
    return [text(td) for td in doc.xpath(f'//section[@id="states"]//tbody/tr[th/a/@href="j/{code}.html"]/td')]


def test_index_status_cells_show_detail_reliability_and_marks_in_words(judged: Sample, tmp_path: Path) -> None:
    doc = html(judged.write(tmp_path / "r"), "index.html")
    assert state_cells(doc, "US-IN") == [
        "BAN banned since 2014 · verified 2025-07-31 sale banned; possession not an offence primary: official text",
        "BAN banned since 2014-07-01 · verified 2025-07-31 secondary: agreeing reports, official text not seen",
    ]
    assert state_cells(doc, "US-FL") == [
        "REG regulated since 2019-07-01 · verified 2025-07-31",
        (
            "REG regulated under review unverified since 2019-07-01 · verified 2025-07-31 "
            "21+, 7-OH <= 2% of the alkaloid fraction restricted from 2025-08-15"
        ),
    ]


def test_only_primary_cells_claim_official_text(judged: Sample, tmp_path: Path) -> None:
    folder = judged.write(tmp_path / "r")
    primary = {r.key for r in judged.rows if r.reliability is Reliability.PRIMARY}
    for page in [folder / "index.html", *sorted((folder / "j").iterdir())]:
        doc = lxml.html.fromstring(page.read_text(encoding="utf-8"))
        footer = text(doc.xpath("//footer")[0])
        assert "primary sources" not in footer and "read from cited" not in footer, page.name
        claims = [text(cell.getparent()) for cell in doc.xpath("//td") if "primary: official text" in text(cell)]
        if page.name in ("index.html", "US-IN.html"):  # the one primary cell: Indiana's kratom
            assert len(claims) == 1 and "sale banned" in claims[0], page.name
        else:
            assert claims == [], page.name
    assert primary == {("US-IN", "kratom")}


def test_index_changes_list_every_substance_and_say_reported(judged: Sample, tmp_path: Path) -> None:
    cells = table(html(judged.write(tmp_path / "r"), "index.html"), "changes")
    assert cells[2] == [
        "high",
        "Kentucky (US-KY)",
        "7-oh, synthetic",
        "Kentucky bans 7-OH and synthetic alkaloids status_changed reported; official text not yet seen (secondary)",
        "regulated → banned",
        "2025-09-01",
        "example.org/ky-news",
    ]
    assert cells[1][2:4] == [
        "7-oh",
        "Florida restricts 7-OH from 2025-08-15 scheduled_added",
    ]  # nothing said: none known


def test_index_pending_bill_known_from_a_report_says_so(judged: Sample, tmp_path: Path) -> None:
    cells = table(html(judged.write(tmp_path / "r"), "index.html"), "pending")
    assert cells[1] == [
        "Texas (US-TX)",
        "HB 1234 Kratom Consumer Protection Act",
        "ban",
        "introduced reported; official text not yet seen",
        "kratom, 7-oh",
        "2025-03-01",
    ]


def test_tiles_mark_review_and_unverified_in_text(judged: Sample, tmp_path: Path) -> None:
    seven_oh_map = html(judged.write(tmp_path / "r"), "index.html").xpath("//svg")[1]
    florida = seven_oh_map.xpath('.//g[@data-jurisdiction="US-FL"]')[0]
    assert [t.text for t in florida.xpath("./text")] == ["FL", "REG? ▸"]
    assert florida.xpath("./title")[0].text == (
        "Florida (US-FL): 7-OH regulated since 2019-07-01; last verified 2025-07-31; "
        "21+, 7-OH <= 2% of the alkaloid fraction; evidence unverified; under review; unverified; change scheduled"
    )
    assert florida.getparent().get("aria-label") == "Florida: 7-OH regulated, under review, unverified"
    kratom_map = html(judged.write(tmp_path / "s"), "index.html").xpath("//svg")[0]
    indiana = kratom_map.xpath('.//g[@data-jurisdiction="US-IN"]')[0]
    assert [t.text for t in indiana.xpath("./text")] == ["IN", "BAN"]
    assert indiana.xpath("./title")[0].text == (
        "Indiana (US-IN): Kratom banned since 2014; last verified 2025-07-31; "
        "sale banned; possession not an offence; evidence primary"
    )


def test_jurisdiction_page_rows_and_changes(judged: Sample, tmp_path: Path) -> None:
    folder = judged.write(tmp_path / "r")
    assert table(html(folder, "j/US-IN.html"), "status") == [
        [
            "kratom",
            "BAN banned",
            "2014",
            "sale banned; possession not an offence",
            "primary: official text",
            "—",
            "—",
            "2025-07-31",
            "example.org/in-ban iga.in.gov/code",
        ],
        [
            "7-oh",
            "BAN banned",
            "2014-07-01",
            "—",
            "secondary: agreeing reports, official text not seen",
            "—",
            "—",
            "2025-07-31",
            "example.org/in-ban",
        ],
    ]
    florida = table(html(folder, "j/US-FL.html"), "status")
    assert florida[1][:5] == [
        "7-oh",
        "REG regulated under review unverified",
        "2019-07-01",
        "21+, 7-OH <= 2% of the alkaloid fraction",
        "unverified: weak, single or conflicting sources",
    ]
    assert table(html(folder, "j/US-KY.html"), "changes") == [
        [
            "high",
            "7-oh, synthetic",
            "Kentucky bans 7-OH and synthetic alkaloids reported; official text not yet seen (secondary)",
            "regulated → banned",
            "2025-09-01",
        ]
    ]
    assert table(html(folder, "j/US-TX.html"), "status")[0][5] == (
        "ban at introduced reported; official text not yet seen: HB 1234 Kratom Consumer Protection Act"
    )


def test_markdown_rows_and_changes(judged: Sample, tmp_path: Path) -> None:
    lines = (judged.write(tmp_path / "r") / "report.md").read_text(encoding="utf-8").splitlines()
    assert (
        "| jurisdiction | substance | status | since | detail | reliability | pending | scheduled | last verified |"
        in lines
    )
    assert (
        "| Indiana (US-IN) | kratom | banned | 2014 | sale banned; possession not an offence | primary | 0 | | "
        "2025-07-31 |" in lines
    )
    assert (
        "| Florida (US-FL) | 7-oh | regulated (under review, unverified) | 2019-07-01 | "
        "21+, 7-OH \\<= 2% of the alkaloid fraction | unverified | 0 | restricted from 2025-08-15 | 2025-07-31 |"
    ) in lines  # "<" escaped: Markdown would read it as the start of raw HTML
    assert (
        "| high | Kentucky (US-KY) | 7-oh, synthetic | Kentucky bans 7-OH and synthetic alkaloids | "
        "reported; official text not yet seen (secondary) | regulated -> banned | 2025-09-01 | "
        "<https://example.org/ky-news> |"
    ) in lines
    assert (
        "| Texas (US-TX) | HB 1234 Kratom Consumer Protection Act | ban | "
        "introduced (reported; official text not yet seen) | kratom, 7-oh |"
    ) in lines


def test_feed_entry_names_every_substance_and_says_reported(judged: Sample, tmp_path: Path) -> None:
    root = ET.fromstring((judged.write(tmp_path / "r") / "feed.xml").read_bytes())
    entry = next(e for e in root.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}id") == "urn:regwatch:change:c-ky")
    assert entry.findtext(f"{ATOM}title") == (
        "[high] Kentucky bans 7-OH and synthetic alkaloids (reported; official text not yet seen)"
    )
    assert entry.findtext(f"{ATOM}summary") == (
        "Kentucky bans 7-OH and synthetic alkaloids Status: regulated -> banned. Effective: 2025-09-01. "
        "Substances: 7-oh, synthetic. Reported; official text not yet seen. "
        "Reliability: secondary: agreeing reports, official text not seen."
    )
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [
        "high", "status_changed", "US-KY", "7-oh", "synthetic",
    ]  # fmt: skip
