"""The replay server: recorded answers by path and query, 304 on a matching validator, 404 otherwise."""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import HTTPError

import pytest

from regwatch.errors import BadInput
from regwatch.evidence.records import Archive, Capture
from regwatch.evidence.replay import ROBOTS_ALLOW_ALL, Recordings, ReplayServer, resolve, serve
from regwatch.evidence.writer import ArchiveWriter

WHEN = datetime(2026, 7, 6, 9, 30, tzinfo=UTC)
DOC = b'{"count": 1, "results": []}'


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body, also for error statuses (urllib raises on those)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    with ArchiveWriter.create(Archive(folder), "fr-1.warc.gz") as writer:
        writer.write(
            Capture(
                uri="https://www.federalregister.gov/api/v1/documents.json?per_page=100&order=newest",
                status=200,
                headers=[("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "max-age=3600")],
                body=DOC,
                date=WHEN,
            )
        )
        writer.write(
            Capture(
                uri="https://api.legiscan.com/?key=SECRET&op=getBill&id=1",
                status=200,
                headers=[("Content-Type", "application/json"), ("ETag", '"lc-1"')],
                body=b'{"status": "OK"}',
                date=WHEN,
            )
        )
    return folder


def test_recorded_response_is_served_by_path_and_query(archive: Path) -> None:
    with serve(archive) as base:
        status, headers, body = get(f"{base}/api/v1/documents.json?order=newest&per_page=100")

    assert (status, body) == (200, DOC)
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Last-Modified"] == "Mon, 06 Jul 2026 09:30:00 GMT"  # the capture date
    assert headers["Cache-Control"] == "max-age=0"  # stale at once: the next crawl revalidates


def test_conditional_request_gets_304(archive: Path) -> None:
    with ReplayServer(Recordings(archive)) as server:
        _, first, _ = get(f"{server.url}/?op=getBill&id=1&key=demo")
        by_etag = get(f"{server.url}/?op=getBill&id=1&key=demo", {"If-None-Match": first["ETag"]})
        by_date = get(f"{server.url}/?op=getBill&id=1", {"If-Modified-Since": first["Last-Modified"]})
        stale = get(f"{server.url}/?op=getBill&id=1", {"If-None-Match": '"other"'})

    assert first["ETag"] == '"lc-1"'  # the recorded validator, kept
    assert [by_etag[0], by_date[0], stale[0]] == [304, 304, 200]
    assert by_etag[2] == b""
    assert [(s.status, s.conditional) for s in server.log] == [(200, False), (304, True), (304, True), (200, True)]


def test_unknown_urls_404_and_robots_allows_all(archive: Path) -> None:
    with serve(archive) as base:
        missing = get(f"{base}/api/v1/documents.json?per_page=5")
        robots = get(f"{base}/robots.txt")

    assert missing[0] == 404
    assert (robots[0], robots[2]) == (200, ROBOTS_ALLOW_ALL)


def test_a_single_warc_file_can_be_served(archive: Path) -> None:
    with serve(archive / "fr-1.warc.gz") as base:
        assert get(f"{base}/?op=getBill&id=1")[0] == 200


def test_resolve_demo_and_bad_paths(tmp_path: Path) -> None:
    assert resolve("demo").name == "demo.warc.gz"
    assert resolve(tmp_path) == tmp_path
    with pytest.raises(BadInput, match="no such WARC file or folder"):
        resolve(tmp_path / "nope.warc.gz")
