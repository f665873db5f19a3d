"""The jurisdiction pages: one per jurisdiction, linked from the index and back, with timeline and sources."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html

from regwatch.reports import tilemap
from regwatch.reports.pages import archived_copy, page_name
from tests.reports.report_sample import Sample, table, text


def page(folder: Path, code: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((folder / "j" / page_name(code)).read_text(encoding="utf-8"))


def test_a_page_for_every_tile_row_and_action(written: Path, sample: Sample) -> None:
    codes = set(tilemap.GRID) | {r.jurisdiction for r in sample.rows} | {a.jurisdiction for a in sample.actions}
    assert sorted(p.name for p in (written / "j").iterdir()) == sorted(page_name(c) for c in codes)


def test_every_page_links_back_and_every_relative_link_resolves(written: Path) -> None:
    pages = sorted((written / "j").iterdir())
    for path in [written / "index.html", *pages]:
        doc = lxml.html.fromstring(path.read_text(encoding="utf-8"))
        if path.parent.name == "j":
            assert doc.xpath("//header//a/@href")[0] == "../index.html", path.name
        for href in doc.xpath("//a/@href"):
            if re.match(r"^[a-z]+:", href) or href.startswith("#"):
                continue
            assert (path.parent / href.split("#")[0]).is_file(), f"{path.name} -> {href}"


def test_locality_and_parent_link_each_other(written: Path) -> None:
    locality = page(written, "US-CA:san-diego")
    assert locality.xpath("//header//a/@href") == ["../index.html", "US-CA.html"]
    assert page(written, "US-CA").xpath('//section[@id="localities"]//a/@href') == ["US-CA_san-diego.html"]


def test_status_timeline_and_sources(written: Path) -> None:
    doc = page(written, "US-IN")
    assert text(doc.xpath("//h1")[0]) == "Indiana (US-IN)"
    assert table(doc, "status") == [
        [
            "kratom",
            "BAN banned",
            "2014-07-01",
            "—",
            "—",
            "—",
            "—",
            "2025-07-31",
            "example.org/in-ban iga.in.gov/code",
        ],
        ["7-oh", "BAN banned", "2014-07-01", "—", "—", "—", "—", "2025-07-31", "example.org/in-ban"],
    ]
    assert doc.xpath('//section[@id="status"]//td[@class="evidence"]/a/@href') == [
        "https://example.org/in-ban",
        "https://iga.in.gov/code",
        "https://example.org/in-ban",
    ]
    article = doc.xpath('//section[@id="timeline"]/article')[0]
    facts = dict(zip(article.xpath(".//dt/text()"), [text(dd) for dd in article.xpath(".//dd")], strict=True))
    assert facts == {
        "Measure": "ban (kratom)",
        "Document": "statute from baseline, published 2014-03-01",
        "Confidence": "90%",
        "Rule": "bill-schedules-mitragynine",
    }
    assert [text(li) for li in article.xpath(".//ol/li")] == ["2014-03-01: enacted", "2014-07-01: effective"]
    assert table(doc, "sources") == [
        [
            "baseline",
            "Indiana Code 35-48-2-4 lists mitragynine",
            "2014-03-01",
            "2025-07-30T12:05+00:00",
            "regwatch-20250730.warc.gz record <urn:uuid:6f1c0b1e-0000-4000-8000-000000000001>",
        ]
    ]
    # without a published archive the copy is named, not linked
    assert not doc.xpath('//section[@id="sources"]//td[4]//a')


def test_pending_and_scheduled_on_the_page(written: Path) -> None:
    florida = page(written, "US-FL")
    seven_oh = florida.xpath('//section[@id="status"]//tbody/tr')[1]
    assert text(seven_oh.xpath("./td")[5]) == "restricted from 2025-08-15: Emergency rule 64ER25-7 on 7-OH"
    texas = page(written, "US-TX")
    kratom = texas.xpath('//section[@id="status"]//tbody/tr')[0]
    assert text(kratom.xpath("./td")[4]) == "ban at introduced: HB 1234 Kratom Consumer Protection Act"
    assert "1 further notice classified as unrelated" in text(texas.xpath('//section[@id="timeline"]')[0])
    assert "failed this run" in text(texas.xpath('//header/p[@class="alert"]')[0])  # openstates covers US-*
    assert not page(written, "TH").xpath('//header/p[@class="alert"]')


def test_archived_copy_links_only_when_the_archive_is_published(sample: Sample, tmp_path: Path) -> None:
    record = "regwatch-20250730.warc.gz#<urn:uuid:1>"
    assert archived_copy(record, None) == archived_copy(record, None)
    assert archived_copy(record, None).href is None  # type: ignore[union-attr]
    assert archived_copy(None, "https://a.example/") is None
    absolute = archived_copy(record, "https://evidence.example/warc")
    assert absolute.href == "https://evidence.example/warc/regwatch-20250730.warc.gz#%3Curn%3Auuid%3A1%3E"  # type: ignore[union-attr]
    relative = archived_copy(record, "archive/")
    assert relative.href == "../../archive/regwatch-20250730.warc.gz#%3Curn%3Auuid%3A1%3E"  # type: ignore[union-attr]
    folder = sample.write(tmp_path / "reports", archive_url="https://evidence.example/warc/")
    links = page(folder, "US-IN").xpath('//section[@id="sources"]//td[4]//a/@href')
    assert links == [
        "https://evidence.example/warc/regwatch-20250730.warc.gz#%3Curn%3Auuid%3A6f1c0b1e-0000-4000-8000-000000000001%3E"
    ]
