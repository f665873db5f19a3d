"""The evidence archive: round trip, one copy per payload, names that cannot leave the folder, no keys."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from regwatch.evidence.records import (
    INDEX,
    Archive,
    ArchiveError,
    Capture,
    iter_captures,
    lookup_key,
    payload_digest,
    scan,
)
from regwatch.evidence.writer import ArchiveWriter
from regwatch.redact import strip_secrets

WHEN = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PAGE = b'{"count": 1, "results": [{"document_number": "2016-20803"}]}'


def capture(uri: str, body: bytes = PAGE, status: int = 200, **kwargs: object) -> Capture:
    headers = [("Content-Type", "application/json"), ("ETag", '"abc"')]
    return Capture(uri=uri, status=status, headers=headers, body=body, date=WHEN, **kwargs)  # type: ignore[arg-type]


def test_round_trip_returns_what_was_written(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    with ArchiveWriter.create(archive, "fr-1.warc.gz") as writer:
        entry = writer.write(capture("https://www.federalregister.gov/api/v1/documents.json?per_page=100"))

    read = archive.read(entry.ref)

    assert read == Capture(
        uri="https://www.federalregister.gov/api/v1/documents.json?per_page=100",
        status=200,
        headers=[("Content-Type", "application/json"), ("ETag", '"abc"')],
        body=PAGE,
        date=WHEN,
        reason="OK",
    )
    assert entry.ref == f"fr-1.warc.gz#{entry.id}"
    assert entry.digest == payload_digest(PAGE)
    assert archive.latest("http://127.0.0.1:9/api/v1/documents.json?per_page=100") == entry


def test_identical_payload_is_stored_once(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    with ArchiveWriter.create(archive, "a-1.warc.gz") as writer:
        first = writer.write(capture("https://www.dea.gov/a"))
        again = writer.write(capture("https://www.dea.gov/a"))
        elsewhere = writer.write(capture("https://www.dea.gov/b"))
    with ArchiveWriter.create(archive, "a-2.warc.gz") as writer:  # a later crawl: the index carries what is known
        next_run = writer.write(capture("https://www.dea.gov/a"))
        assert (writer.written, writer.skipped) == (0, 1)

    assert again == first and next_run == first
    assert (elsewhere.type, elsewhere.refers_to, elsewhere.digest) == ("revisit", first.id, first.digest)
    assert archive.read(elsewhere.ref).body == PAGE
    assert [e.type for e in scan(tmp_path / "a-1.warc.gz")] == ["response", "revisit"]
    assert not (tmp_path / "a-2.warc.gz").exists()  # nothing new: no file at all


def test_a_changed_payload_is_a_new_record_and_the_latest_wins(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    with ArchiveWriter.create(archive, "x-1.warc.gz") as writer:
        old = writer.write(capture("https://www.fda.gov/k", b"<p>old</p>"))
        new = writer.write(capture("https://www.fda.gov/k", b"<p>new</p>"))

    assert old.id != new.id
    assert archive.latest("https://www.fda.gov/k") == new


@pytest.mark.parametrize(
    "name",
    ["../evil.warc.gz", "sub/evil.warc.gz", "/etc/passwd", ".hidden.warc.gz", "a/../../b.warc.gz", "x.txt", ""],
)
def test_names_that_would_leave_the_archive_are_rejected(tmp_path: Path, name: str) -> None:
    archive = Archive(tmp_path / "archive")
    with pytest.raises(ArchiveError):
        ArchiveWriter.create(archive, name)
    with pytest.raises(ArchiveError):
        archive.read(f"{name}#<urn:uuid:00000000-0000-0000-0000-000000000000>")
    assert not (tmp_path / "evil.warc.gz").exists()


def test_references_must_name_a_record(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="not an archive reference"):
        Archive(tmp_path).read("a.warc.gz")


def test_api_keys_never_reach_the_archive(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    secret = "S3CR3T-KEY"
    with ArchiveWriter.create(archive, "keys-1.warc.gz") as writer:
        entry = writer.write(
            capture(
                f"https://api.legiscan.com/?key={secret}&op=getSearch&state=ALL",
                request_headers=[("X-API-KEY", secret), ("X-Api-Key", secret), ("Accept", "application/json")],
            )
        )
        writer.write(capture(f"https://api.congress.gov/v3/bill?api_key={secret}&format=json", b"{}"))

    raw = gzip.decompress((tmp_path / "keys-1.warc.gz").read_bytes())
    assert secret.encode() not in raw
    assert secret not in (tmp_path / INDEX).read_text()
    assert b"Accept: application/json" in raw  # the other request headers are kept
    assert entry.uri == "https://api.legiscan.com/?op=getSearch&state=ALL"


def test_lookup_ignores_host_secrets_and_parameter_order() -> None:
    assert lookup_key("https://a.gov/x?b=2&key=K&a=1") == lookup_key("http://127.0.0.1:8/x?a=1&b=2")
    assert lookup_key("https://a.gov/x?a=1") != lookup_key("https://a.gov/x?a=2")
    assert strip_secrets("https://a.gov/x?apikey=K&q=kratom") == "https://a.gov/x?q=kratom"


@pytest.mark.parametrize(
    ("url", "stripped"),
    [
        ("https://a.gov/x?q=kratom&page=2", "https://a.gov/x?q=kratom&page=2"),  # none: the URL as given
        ("https://a.gov/x?q=key&token_type=a", "https://a.gov/x?q=key&token_type=a"),  # "key" as a value
        ("https://a.gov/x?TOKEN=K&q=1", "https://a.gov/x?q=1"),
        ("https://a.gov/x?q=1&%61pi_key=K", "https://a.gov/x?q=1"),  # a name percent-encoded
        ("https://a.gov/x?access%5Ftoken=K", "https://a.gov/x"),
        ("https://a.gov/x?key", "https://a.gov/x"),  # a name without a value
        ("https://a.gov/x?api+key=K", "https://a.gov/x?api+key=K"),  # "api key" is not a secret's name
        ("https://a.gov/x?a=1;key=K", "https://a.gov/x?a=1;key=K"),  # ";" separates nothing (parse_qsl)
    ],
)
def test_strip_secrets_reads_parameter_names_as_parse_qsl_does(url: str, stripped: str) -> None:
    assert strip_secrets(url) == stripped


def test_an_unindexed_warc_is_found(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    with ArchiveWriter.create(archive, "lost-1.warc.gz") as writer:
        entry = writer.write(capture("https://www.dea.gov/a"))
    (tmp_path / INDEX).unlink()  # a WARC copied in from elsewhere, or an index lost

    assert Archive(tmp_path).entries() == [entry]
    assert [c.body for c in iter_captures(tmp_path / "lost-1.warc.gz")] == [PAGE]


def test_each_record_is_a_gzip_member_of_its_own_at_the_default_level(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    with ArchiveWriter.create(archive, "members-1.warc.gz") as writer:
        first = writer.write(capture("https://www.dea.gov/a", PAGE * 50))
        again = writer.write(capture("https://www.dea.gov/b", PAGE * 50))  # a revisit of the same payload
    data = (tmp_path / "members-1.warc.gz").read_bytes()
    for entry, kind in ((first, b"WARC-Type: response"), (again, b"WARC-Type: revisit")):
        member = data[entry.offset : entry.offset + entry.length]
        # gzip's XFL byte: 2 would say level 9 (warcio's own writer), 4 the fastest; 0 is zlib's default.
        assert member[:3] == b"\x1f\x8b\x08" and member[8] == 0
        record = gzip.decompress(member)
        assert record.startswith(b"WARC/1.1\r\n") and kind in record and record.endswith(b"\r\n\r\n")
    assert [c.body for c in iter_captures(tmp_path)] == [PAGE * 50, PAGE * 50]
