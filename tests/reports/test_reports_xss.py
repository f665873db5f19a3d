"""Scraped text is text everywhere: a notice titled <script>alert(1)</script> never reaches a file unescaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import lxml.html
import pytest

from regwatch.reports.render import markdown_url, web_url
from tests.reports.report_sample import XSS, XSS_ESCAPED, build_sample


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A report whose Texas bill title and change summary are a script tag, written to a run folder."""
    sample = build_sample(title=XSS, summary=XSS)
    for row in sample.rows:
        row.evidence = [*row.evidence, f"https://example.org/?q={XSS}"]
    return sample.write(tmp_path / "reports")


def test_no_page_feed_or_markdown_holds_the_payload_unescaped(hostile: Path) -> None:
    # status.csv, status.json and changes.json are data: they keep the text as the source gave it.
    files = [p for p in hostile.parent.rglob("*") if p.suffix in (".html", ".xml", ".md")]
    assert len(files) > 100  # both folders, every page
    for path in files:
        body = path.read_text(encoding="utf-8")
        assert XSS not in body, path
        if path.suffix == ".html":
            assert "<script" not in body.lower(), path
            assert "javascript:" not in "".join(lxml.html.fromstring(body).xpath("//@href")), path


@pytest.mark.parametrize("page", ["index.html", "j/US-TX.html"])
def test_the_payload_shows_as_text_on_the_pages(hostile: Path, page: str) -> None:
    body = (hostile / page).read_text(encoding="utf-8")
    assert XSS_ESCAPED in body
    assert XSS in lxml.html.fromstring(body).text_content()


def test_the_feed_carries_the_payload_as_text(hostile: Path) -> None:
    raw = (hostile / "feed.xml").read_text(encoding="utf-8")
    assert XSS_ESCAPED in raw
    titles = [t.text for t in ET.fromstring(raw).iter("{http://www.w3.org/2005/Atom}title")]
    assert f"[medium] {XSS}" in titles


def test_the_markdown_escapes_the_payload(hostile: Path) -> None:
    report = (hostile / "report.md").read_text(encoding="utf-8")
    assert r"\<script\>alert(1)\</script\>" in report
    assert markdown_url(f"https://example.org/?q={XSS}") == "<https://example.org/?q=%3Cscript%3Ealert(1)%3C/script%3E>"
    assert markdown_url("javascript:alert(1)") == "javascript:alert(1)"
    assert markdown_url("https://a.example/x_y|z") == "<https://a.example/x_y%7Cz>"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/", "https://a.example/"),
        ("http://a.example/", "http://a.example/"),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/", None),
        ("", None),
        (None, None),
    ],
)
def test_only_web_urls_become_links(url: str | None, expected: str | None) -> None:
    assert web_url(url) == expected
