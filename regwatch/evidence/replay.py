"""Replay: serve an evidence archive over HTTP on loopback, so the real spiders can crawl it.

Every source is rebased onto one host (`-a base_url=...`), so a request is matched on path and query
only (API keys ignored). The server answers with the recorded status, headers and body; unknown URLs get
404; robots.txt allows everything unless one was recorded. Validators come from the record (its ETag and
Last-Modified, else the payload digest and the capture date) and every answer says `max-age=0`, so a second
crawl revalidates and an unchanged archive answers 304s, as a well-behaved live site would.

Why not pywb: it is a whole wayback machine (its own URL scheme, rewriting, a gevent server and a dozen
dependencies); regwatch needs path lookup and conditional GETs, ~150 lines over warcio, which we have.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Protocol

from regwatch.errors import BadInput
from regwatch.evidence.records import Capture, Entry, entries_of, latest_by_key, lookup_key, read_entry

logger = logging.getLogger(__name__)

DEMO = "demo"
ROBOTS_ALLOW_ALL = b"User-agent: *\nDisallow:\n"
# Headers the server sets itself, or that described the original connection rather than the content.
NOT_REPLAYED = frozenset({"date", "server", "connection", "keep-alive", "transfer-encoding", "content-length"})
# Replaced rather than replayed: a recorded max-age would let the second crawl skip the server entirely.
# Not "no-cache": Scrapy's RFC2616 policy then refetches without validators (no 304 is possible).
CACHE_CONTROL = "max-age=0"


def resolve(value: str | Path) -> Path:
    """The archive to replay: "demo" is the bundled demo archive; anything else must be an existing path."""
    if str(value) == DEMO:
        return demo_archive()
    path = Path(value)
    if not path.exists():
        raise BadInput(f"--replay {value}: no such WARC file or folder (expected a path, or 'demo')")
    return path


def demo_archive() -> Path:
    """The WARC file bundled with regwatch (regwatch/data/demo/demo.warc.gz)."""
    return Path(str(resources.files("regwatch.data").joinpath("demo", "demo.warc.gz")))


@dataclass(frozen=True)
class Served:
    """One request the server answered, for tests and measurements."""

    path: str
    status: int
    bytes: int
    conditional: bool


class Recordings:
    """The archive's latest record per path+query, read lazily from disk."""

    def __init__(self, path: Path):
        self.folder, self.entries = entries_of(path)
        self.latest: dict[str, Entry] = latest_by_key(self.entries)
        self._cache: dict[str, Capture] = {}
        self._lock = threading.Lock()

    def get(self, path_and_query: str) -> Capture | None:
        key = lookup_key(path_and_query)
        entry = self.latest.get(key)
        if entry is None:
            return None
        with self._lock:
            if key not in self._cache:
                self._cache[key] = read_entry(self.folder, entry, self.entries)
            return self._cache[key]


class Captures(Protocol):
    """What a replay server answers from: the capture of a path and query, or None (an archive's
    `Recordings`, or pages generated on the fly)."""

    def get(self, path_and_query: str) -> Capture | None: ...


class ReplayServer:
    """A threaded HTTP server on 127.0.0.1 answering from `recordings`."""

    def __init__(self, recordings: Captures, host: str = "127.0.0.1", port: int = 0):
        self.recordings = recordings
        self.log: list[Served] = []
        handler = type("Handler", (ReplayHandler,), {"replay": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True  # a crawler that hangs up mid-answer must not block shutdown
        # A short poll: shutdown() waits up to one poll interval, which every test and demo run would pay.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="regwatch-replay", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def answer(self, handler: ReplayHandler) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, headers and body for one request (subclasses in tests inject faults here)."""
        capture = self.recordings.get(handler.path)
        if capture is None:
            if handler.path.split("?", 1)[0] == "/robots.txt":
                return 200, [("Content-Type", "text/plain")], ROBOTS_ALLOW_ALL
            return 404, [("Content-Type", "text/plain")], f"not in the archive: {handler.path}\n".encode()
        etag, modified = validators(capture)
        headers = [(k, v) for k, v in capture.headers if k.lower() not in NOT_REPLAYED | {"cache-control"}]
        headers = [(k, v) for k, v in headers if k.lower() not in ("etag", "last-modified")]
        headers += [("ETag", etag), ("Last-Modified", modified), ("Cache-Control", CACHE_CONTROL)]
        if capture.status == 200 and not_modified(handler, etag, capture):
            return 304, [("ETag", etag), ("Last-Modified", modified), ("Cache-Control", CACHE_CONTROL)], b""
        return capture.status, headers, capture.body


class ReplayHandler(BaseHTTPRequestHandler):
    replay: ReplayServer
    protocol_version = "HTTP/1.1"  # keep-alive: Scrapy reuses connections, as it would on the live site

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._respond(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(head=True)

    def _respond(self, *, head: bool) -> None:
        status, headers, body = self.replay.answer(self)
        conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
        self.replay.log.append(Served(self.path, status, len(body), conditional))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status != 304 and not any(name.lower() == "content-length" for name, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        logger.debug("replay: %s", format % args)


def validators(capture: Capture) -> tuple[str, str]:
    """The ETag and Last-Modified of a capture: as recorded, else derived from its payload and date."""
    recorded = {k.lower(): v for k, v in capture.headers}
    etag = recorded.get("etag") or f'"{_digest_tag(capture.body)}"'
    modified = recorded.get("last-modified") or format_datetime(capture.date, usegmt=True)
    return etag, modified


def not_modified(handler: BaseHTTPRequestHandler, etag: str, capture: Capture) -> bool:
    """RFC 9110 13.1: If-None-Match decides when present; else If-Modified-Since against Last-Modified."""
    match = handler.headers.get("If-None-Match")
    if match:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since = handler.headers.get("If-Modified-Since")
    if not since:
        return False
    try:
        since_at = parsedate_to_datetime(since)
        modified_at = parsedate_to_datetime(validators(capture)[1])
    except (TypeError, ValueError):
        return False
    return modified_at <= since_at


def _digest_tag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


@contextmanager
def serve(path: str | Path) -> Iterator[str]:
    """Serve an archive (a WARC file or a folder of them) on loopback; yields "http://127.0.0.1:PORT"."""
    with ReplayServer(Recordings(resolve(path))) as server:
        logger.info("replaying %s at %s", path, server.url)
        yield server.url


@contextmanager
def replaying(replay: str | Path | None) -> Iterator[str | None]:
    """A loopback replay of `replay` ("demo", a WARC file or a folder): its base URL; None means the live sites."""
    if not replay:
        yield None
        return
    with serve(replay) as base_url:
        yield base_url
