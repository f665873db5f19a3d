"""The evidence archive: every response a spider received, kept as WARC records (warcio) in one folder.

Records are content-addressed: the SHA-256 payload digest identifies a payload, which is stored once.
The same payload seen again at the same URL is not written again; at another URL it is written as a
`revisit` record that refers to the first copy. A reference "<warc file>#<record id>" names one record;
notices carry it so every status cell links to the copy it was read from. API keys never reach a record:
secret query parameters and headers are stripped before writing, and again before any lookup.

`index.jsonl` in the folder lists every record (one JSON object a line) so a crawl can dedupe and the
replay server can look up URLs without decompressing every WARC; a WARC the index does not cover (a
crawl that died, a file copied in) is scanned and indexed when the archive is opened.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders

from regwatch.redact import strip_secrets

INDEX = "index.jsonl"
WARC_SUFFIXES = (".warc", ".warc.gz")
# Hop-by-hop framing the downloader already undid: the stored body is the whole payload as received.
FRAMING_HEADERS = frozenset({"transfer-encoding", "content-length", "connection", "keep-alive"})
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
# Record ids are derived from content, so rebuilding the demo archive gives the same bytes.
_RECORD_NAMESPACE = uuid.UUID("6f0b8f2e-3c51-4d7a-9a57-2f1d0c6f4b11")


class ArchiveError(ValueError):
    """A bad archive name or reference, or a record that is not there."""


@dataclass(frozen=True)
class Capture:
    """One HTTP exchange to archive (or read back): the live URL, the response, and the request headers."""

    uri: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: datetime
    reason: str = ""
    method: str = "GET"
    request_headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """One record of the index: where it is and what it holds."""

    uri: str
    date: str  # WARC-Date, ISO 8601 UTC
    digest: str  # "sha256:<base32>" of the payload
    status: int
    type: str  # "response" or "revisit"
    file: str
    offset: int
    length: int
    id: str  # WARC-Record-ID, "<urn:uuid:...>"
    refers_to: str | None = None  # for a revisit: the id of the record holding the payload

    @property
    def ref(self) -> str:
        """The reference notices carry: "<warc file>#<record id>"."""
        return f"{self.file}#{self.id}"


def payload_digest(body: bytes) -> str:
    """The WARC payload digest of a body, SHA-256 in base32 as WARC 1.1 writes digests."""
    return "sha256:" + base64.b32encode(hashlib.sha256(body).digest()).decode("ascii")


def lookup_key(url: str) -> str:
    """What a replay matches on: path and query (host dropped, secrets dropped, parameters sorted)."""
    parts = urlsplit(strip_secrets(url))
    pairs = sorted(parse_qsl(parts.query, keep_blank_values=True))
    query = urlencode(pairs)
    return (parts.path or "/") + (f"?{query}" if query else "")


def safe_name(name: str) -> str:
    """A WARC file name inside the archive folder, or ArchiveError: no separators, no "..", no hidden files."""
    if not _SAFE_NAME.match(name) or ".." in name or not name.endswith(WARC_SUFFIXES):
        raise ArchiveError(f"{name!r} is not a WARC file name in the archive (expected NAME.warc.gz, no paths)")
    return name


def split_ref(ref: str) -> tuple[str, str]:
    """A reference "file.warc.gz#<urn:uuid:...>" as (file name, record id), the file name checked."""
    name, sep, record_id = ref.partition("#")
    if not sep or not record_id.startswith("<urn:uuid:") or not record_id.endswith(">"):
        raise ArchiveError(f"{ref!r} is not an archive reference (expected FILE.warc.gz#<urn:uuid:...>)")
    return safe_name(name), record_id


def record_id(*parts: str) -> str:
    """A WARC-Record-ID derived from what the record holds."""
    return f"<urn:uuid:{uuid.uuid5(_RECORD_NAMESPACE, '|'.join(parts))}>"


def warc_date(moment: datetime) -> str:
    """WARC 1.1 date: UTC with microseconds, so records of one second keep their order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Archive:
    """A folder of WARC files and their index."""

    def __init__(self, folder: Path):
        self.folder = Path(folder).resolve()

    def path(self, name: str) -> Path:
        """The file `name` inside the folder; ArchiveError for anything that would leave it."""
        path = (self.folder / safe_name(name)).resolve()
        if path.parent != self.folder:
            raise ArchiveError(f"{name!r} resolves outside the archive folder {self.folder}")
        return path

    def warc_files(self) -> list[Path]:
        return sorted(p for p in self.folder.glob("*") if p.name.endswith(WARC_SUFFIXES) and p.is_file())

    def entries(self) -> list[Entry]:
        """Every record, in the order written; WARC files missing from the index are scanned and added."""
        entries = _read_index(self.folder / INDEX)
        covered = {e.file for e in entries}
        for path in self.warc_files():
            if path.name not in covered:
                found = scan(path, partial_ok=True)
                self.append_index(found)
                entries += found
        return entries

    def find(self, ref: str) -> Entry:
        """The index entry a reference names."""
        name, rid = split_ref(ref)
        self.path(name)
        for entry in self.entries():
            if entry.file == name and entry.id == rid:
                return entry
        raise ArchiveError(f"no record {rid} in {name} of the archive {self.folder}")

    def read(self, ref: str) -> Capture:
        """The capture a reference names (a revisit is resolved to the payload it refers to)."""
        return read_entry(self.folder, self.find(ref), self.entries())

    def latest(self, url: str) -> Entry | None:
        """The newest record of a URL (matched on path and query, secrets ignored), or None."""
        return latest_by_key(self.entries()).get(lookup_key(url))

    def append_index(self, entries: list[Entry]) -> None:
        """Add entries to index.jsonl, under a file lock (several crawls may write at once)."""
        if not entries:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        lines = "".join(json.dumps(asdict(e), sort_keys=True) + "\n" for e in entries)
        with open(self.folder / INDEX, "a", encoding="utf-8") as fh:
            # Crawls of several sources may run at once (Airflow maps one task per source).
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.write(lines)
            fh.flush()
            fcntl.flock(fh, fcntl.LOCK_UN)


def scan(path: Path, *, partial_ok: bool = False) -> list[Entry]:
    """The response and revisit records of one WARC file (no index needed).

    With `partial_ok`, a file that ends mid-record (a crawl killed while writing) gives the records before.
    """
    found: list[Entry] = []
    try:
        _scan_into(path, found)
    except Exception as exc:  # warcio raises several kinds on a torn gzip member or a bad header
        if not partial_ok:
            raise ArchiveError(f"{path.name} is not a readable WARC file: {exc}") from exc
    return found


def _scan_into(path: Path, found: list[Entry]) -> None:
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:
            if record.rec_type not in ("response", "revisit") or record.http_headers is None:
                continue
            h = record.rec_headers
            found.append(
                Entry(
                    uri=strip_secrets(h.get_header("WARC-Target-URI") or ""),
                    date=h.get_header("WARC-Date") or "",
                    digest=h.get_header("WARC-Payload-Digest") or "",
                    status=int(record.http_headers.get_statuscode() or 0),
                    type=record.rec_type,
                    file=path.name,
                    offset=records.get_record_offset(),
                    length=records.get_record_length(),
                    id=h.get_header("WARC-Record-ID") or "",
                    refers_to=h.get_header("WARC-Refers-To"),
                )
            )


def entries_of(path: Path) -> tuple[Path, list[Entry]]:
    """The folder holding the WARC files and every record: `path` is an archive folder or one WARC file."""
    path = Path(path)
    if path.is_dir():
        return path.resolve(), Archive(path).entries()
    if path.is_file() and path.name.endswith(WARC_SUFFIXES):
        return path.resolve().parent, scan(path)
    raise ArchiveError(f"{path} is neither a folder of WARC files nor a .warc / .warc.gz file")


def latest_by_key(entries: Iterable[Entry]) -> dict[str, Entry]:
    """The newest record per lookup key (date, then the order written)."""
    ordered = sorted(enumerate(entries), key=lambda pair: (pair[1].date, pair[0]))
    return {lookup_key(e.uri): e for _, e in ordered}


def read_entry(folder: Path, entry: Entry, entries: Iterable[Entry] = ()) -> Capture:
    """The capture an entry points to; a revisit takes its status and headers, the payload it refers to."""
    record_headers, http, body = _load(folder / entry.file, entry.offset)
    if entry.type == "revisit":
        original = next((e for e in entries if e.id == entry.refers_to and e.type == "response"), None)
        if original is None:
            raise ArchiveError(f"revisit {entry.id} refers to {entry.refers_to}, which is not in the archive")
        _, _, body = _load(folder / original.file, original.offset)
    headers = [(k, v) for k, v in http.headers if k.lower() != "content-length"]
    status = int(http.get_statuscode() or 0)
    reason = http.statusline.partition(" ")[2]
    moment = datetime.fromisoformat(entry.date.replace("Z", "+00:00"))
    return Capture(uri=entry.uri, status=status, headers=headers, body=body, date=moment, reason=reason)


def iter_captures(path: Path) -> Iterator[Capture]:
    """Every capture of an archive folder or WARC file, in the order written."""
    folder, entries = entries_of(path)
    for entry in entries:
        yield read_entry(folder, entry, entries)


def _load(path: Path, offset: int) -> tuple[StatusAndHeaders, StatusAndHeaders, bytes]:
    """WARC headers, HTTP headers and raw payload of the record at `offset`."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        if record.http_headers is None:
            raise ArchiveError(f"no HTTP record at offset {offset} of {path.name}")
        return record.rec_headers, record.http_headers, record.raw_stream.read()


def _read_index(path: Path) -> list[Entry]:
    """The entries of index.jsonl; a torn last line (a crawl killed mid-write) is ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    entries: dict[tuple[str, str], Entry] = {}
    for line in lines:
        try:
            entry = Entry(**json.loads(line))
        except (ValueError, TypeError):
            continue
        entries.setdefault((entry.file, entry.id), entry)  # a file indexed twice (scan racing its writer)
    return list(entries.values())


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def new_warc_name(prefix: str, moment: datetime) -> str:
    """A new file name, "<prefix>-<UTC timestamp>-<pid>.warc.gz", the prefix reduced to safe characters."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", prefix).strip("-") or "crawl"
    return safe_name(f"{stem}-{moment.astimezone(UTC).strftime('%Y%m%dT%H%M%S%f')}-{os.getpid()}.warc.gz")
