"""feed.xml: an Atom document whose entries are the run's changes, parsed with the standard library."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from regwatch.reports.feed import render_feed
from tests.reports.report_sample import Sample

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(feed: bytes) -> list[dict[str, Any]]:
    """Each entry as a dict of what a reader uses: id, title, updated, links (rel, href), categories."""
    root = ET.fromstring(feed)
    return [
        {
            "id": e.findtext(f"{ATOM}id"),
            "title": e.findtext(f"{ATOM}title"),
            "updated": e.findtext(f"{ATOM}updated"),
            "links": [(link.get("rel"), link.get("href")) for link in e.findall(f"{ATOM}link")],
            "categories": [c.get("term") for c in e.findall(f"{ATOM}category")],
        }
        for e in root.findall(f"{ATOM}entry")
    ]


def test_feed_entries_are_the_changes_most_severe_first(written: Path) -> None:
    feed = (written / "feed.xml").read_bytes()
    root = ET.fromstring(feed)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == "urn:regwatch:changes"
    assert root.findtext(f"{ATOM}updated") == "2025-08-01T00:00:00+00:00"
    stamp = "2025-08-01T00:00:00+00:00"
    assert entries(feed) == [
        {
            "id": "urn:regwatch:change:c-in",
            "title": "[critical] Indiana bans kratom (was unknown)",
            "updated": stamp,
            "links": [("alternate", "j/US-IN.html"), ("related", "https://example.org/in-ban")],
            "categories": ["critical", "status_changed", "US-IN", "kratom"],
        },
        {
            "id": "urn:regwatch:change:c-fl",
            "title": "[critical] Florida restricts 7-OH from 2025-08-15",
            "updated": stamp,
            "links": [("alternate", "j/US-FL.html"), ("related", "https://www.flrules.org/64ER25-7")],
            "categories": ["critical", "scheduled_added", "US-FL", "7-oh"],
        },
        {
            "id": "urn:regwatch:change:c-broken",
            "title": "[high] Source openstates is broken: HTTP 500",
            "updated": stamp,
            "links": [("alternate", "index.html#failed")],
            "categories": ["high", "source_broken"],
        },
        {
            "id": "urn:regwatch:change:c-tx",
            "title": "[medium] Texas would ban kratom",
            "updated": stamp,
            "links": [("alternate", "j/US-TX.html")],  # its javascript: evidence is not a link
            "categories": ["medium", "pending_added", "US-TX", "kratom"],
        },
        {
            "id": "urn:regwatch:change:c-news",
            "title": "[low] Thailand: study - kratom survey",
            "updated": stamp,
            "links": [("alternate", "j/TH.html")],
            "categories": ["low", "news", "TH"],
        },
    ]


def test_entry_links_resolve_to_written_pages(written: Path) -> None:
    for entry in entries((written / "feed.xml").read_bytes()):
        rel, href = entry["links"][0]
        assert rel == "alternate"
        assert (written / href.split("#")[0]).is_file()


def test_feed_is_stable_across_renders_and_absolute_with_a_base_url(sample: Sample) -> None:
    assert render_feed(sample.run, sample.changes) == render_feed(sample.run, list(reversed(sample.changes)))
    feed = render_feed(sample.run, sample.changes, base_url="https://reports.example/regwatch")
    root = ET.fromstring(feed)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {
        "alternate": "https://reports.example/regwatch/2025-08-01/index.html",
        "self": "https://reports.example/regwatch/2025-08-01/feed.xml",
    }
    assert entries(feed)[0]["links"][0] == ("alternate", "https://reports.example/regwatch/2025-08-01/j/US-IN.html")
