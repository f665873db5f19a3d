"""A small, fast loopback HTTP/1.1 server for the benchmarks: serves an Archive with ETag and
Last-Modified (answering conditional requests with 304) and counts what it answered per host.

Run as its own process (`python -m benchmarks.server ARCHIVE.pickle HOST[,HOST...]`) so the crawler
under test has a core to itself; it prints `READY <port>` when listening. `GET /__stats` returns the
counts as JSON (`?reset=1` clears them). asyncio protocols, not http.server: the server must stay far
faster than the crawler, or the benchmark would measure the server.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import pickle
import sys
from collections import Counter
from datetime import UTC, datetime, time
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from benchmarks.pages import Archive, Page, page_key

NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nContent-Type: text/plain\r\n\r\nnot found"


class Responder:
    """Pre-rendered responses per page key, and the counts of what was answered."""

    def __init__(self, archive: Archive) -> None:
        self.pages: dict[str, tuple[bytes, str, str, bytes]] = {}
        for key, page in archive.pages.items():
            self.pages[key] = self._render(page)
        self.counts: Counter[str] = Counter()

    @staticmethod
    def _render(page: Page) -> tuple[bytes, str, str, bytes]:
        etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
        modified = format_datetime(datetime.combine(page.modified, time(12), tzinfo=UTC), usegmt=True)
        head = (
            f"Content-Type: {page.content_type}\r\nContent-Length: {len(page.body)}\r\n"
            f"ETag: {etag}\r\nLast-Modified: {modified}\r\n"
        ).encode()
        return head, etag, modified, page.body

    def answer(self, target: str, host: str, headers: dict[str, str]) -> bytes:
        if target.startswith("/__stats"):
            body = json.dumps(self.counts).encode()
            if "reset=1" in target:
                self.counts.clear()
            return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
                len(body),
                body,
            )
        found = self.pages.get(page_key(f"http://{host}{target}"))
        if found is None:
            self.counts[f"{host} 404"] += 1
            return NOT_FOUND
        head, etag, modified, body = found
        date_line = f"Date: {format_datetime(datetime.now(UTC), usegmt=True)}\r\n".encode()
        if headers.get("if-none-match") == etag or _not_modified_since(headers.get("if-modified-since"), modified):
            self.counts[f"{host} 304"] += 1
            return b"HTTP/1.1 304 Not Modified\r\n" + date_line + f"ETag: {etag}\r\n\r\n".encode()
        self.counts[f"{host} 200"] += 1
        return b"HTTP/1.1 200 OK\r\n" + date_line + head + b"\r\n" + body


def _not_modified_since(value: str | None, modified: str) -> bool:
    if not value:
        return False
    try:
        return parsedate_to_datetime(value) >= parsedate_to_datetime(modified)
    except (TypeError, ValueError):
        return False


class HttpProtocol(asyncio.Protocol):
    """Keep-alive HTTP/1.1 for GET requests without bodies (all a crawler sends)."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            raw, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            lines = raw.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            target = parts[1] if len(parts) > 1 else "/"
            assert self.transport is not None
            self.transport.write(self.responder.answer(target, headers.get("host", ""), headers))


async def serve(archive: Archive, hosts: list[str], port: int = 0) -> None:
    responder = Responder(archive)
    loop = asyncio.get_running_loop()
    servers = [await loop.create_server(lambda: HttpProtocol(responder), host=hosts[0], port=port, backlog=1024)]
    port = servers[0].sockets[0].getsockname()[1]
    # Every simulated domain on the same port, so only the host name differs.
    servers += [
        await loop.create_server(lambda: HttpProtocol(responder), host=host, port=port, backlog=1024)
        for host in hosts[1:]
    ]
    print(f"READY {port}", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main(argv: list[str]) -> None:
    archive = pickle.loads(Path(argv[0]).read_bytes())
    hosts = argv[1].split(",") if len(argv) > 1 else ["127.0.0.1"]
    port = int(argv[2]) if len(argv) > 2 else 0
    asyncio.run(serve(archive, hosts, port))


if __name__ == "__main__":
    main(sys.argv[1:])
