"""A misbehaving HTTP server on loopback: each route answers a script of replies, one per request.

A reply is a status, headers and a body, or a fault: the connection reset, the request left hanging,
the body cut short, a body streamed far larger than asked for. The last reply of a script repeats.
Routes are matched on the decoded path and query, as tests/helpers/loopback.py does.
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote_plus

ALLOW_ALL = b"User-agent: *\nAllow: /\n"
JSON = "application/json"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Reply:
    """One answer. `fault`: None, "reset" (RST, no reply), "hang" (never answer), "truncate" (the body
    cut at half its announced Content-Length), "stream" (`size` bytes of `body` repeated)."""

    status: int = 200
    body: bytes = b""
    content_type: str = JSON
    headers: tuple[tuple[str, str], ...] = ()
    fault: str | None = None
    size: int = 0


def ok(path: Path | bytes, content_type: str | None = None) -> Reply:
    """A 200 with a fixture file (HTML or JSON by its suffix) or the given bytes, with an ETag (which
    makes it cacheable under the RFC 2616 policy, as the real APIs' answers are)."""
    body = path.read_bytes() if isinstance(path, Path) else path
    kind = content_type or (HTML if isinstance(path, Path) and path.suffix == ".html" else JSON)
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    return Reply(body=body, content_type=kind, headers=(("ETag", etag),))


def gzip_bomb(size: int) -> Reply:
    """A tiny gzip body that inflates to `size` bytes of spaces."""
    return Reply(body=gzip.compress(b" " * size, compresslevel=9), headers=(("Content-Encoding", "gzip"),))


@dataclass
class FaultServer:
    """Routes to scripts of replies; `seen` lists "STATUS /path" (or "FAULT /path") as they were asked."""

    routes: dict[str, list[Reply]]
    robots: bytes = ALLOW_ALL
    seen: list[str] = field(default_factory=list)
    headers_seen: list[dict[str, str]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # time.monotonic() of each line of `seen`
    release: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.routes = {unquote_plus(k): list(v) for k, v in self.routes.items()}
        self._lock = threading.Lock()

    def next_reply(self, path: str) -> Reply | None:
        with self._lock:
            script = self.routes.get(unquote_plus(path))
            if not script:
                return None
            return script.pop(0) if len(script) > 1 else script[0]

    def asked(self, path: str) -> int:
        """How many times `path` was requested."""
        return sum(1 for line in self.seen if line.split(" ", 1)[1] == unquote_plus(path))


@contextmanager
def serve(server: FaultServer) -> Iterator[str]:
    """Run `server` on 127.0.0.1; yield its base URL. Hanging requests are released at the end."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            server.headers_seen.append({k.lower(): v for k, v in self.headers.items()})
            if self.path == "/robots.txt":
                self._send(Reply(body=server.robots, content_type="text/plain"))
                return
            reply = server.next_reply(self.path)
            self._send(reply or Reply(status=404, body=b"not found", content_type="text/plain"))

        def _send(self, reply: Reply) -> None:
            server.times.append(time.monotonic())
            server.seen.append(f"{reply.fault or reply.status} {unquote_plus(self.path)}")
            if reply.fault == "reset":
                # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            if reply.fault == "hang":
                server.release.wait()
                self.close_connection = True
                return
            length = reply.size if reply.fault == "stream" else len(reply.body)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(length))
            if reply.fault == "truncate":
                self.send_header("Connection", "close")
            self.end_headers()
            try:
                if reply.fault == "truncate":
                    self.wfile.write(reply.body[: len(reply.body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                elif reply.fault == "stream":
                    chunk = (reply.body or b" ") * ((1 << 20) // max(len(reply.body), 1))
                    sent = 0
                    while sent < reply.size:
                        part = chunk[: reply.size - sent]
                        self.wfile.write(part)
                        sent += len(part)
                else:
                    self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (it refused a body too large)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        server.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()
