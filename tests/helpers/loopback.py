"""A loopback HTTP server answering fixed routes (path and query) with fixture files, for crawl tests."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote_plus

ROBOTS = b"User-agent: *\nAllow: /\n"


@contextmanager
def serve(routes: dict[str, Path | tuple[int, bytes]]) -> Iterator[tuple[str, list[str]]]:
    """Serve `routes` ({"/path?query": file or (status, body)}) on 127.0.0.1; yield (base URL, paths asked).

    Queries are compared decoded, so either encoding of the same URL matches. Files are served with an
    ETag and a matching If-None-Match gets a 304, as the real APIs do; `seen` lists "STATUS /path".
    """
    table = {_key(k): v for k, v in routes.items()}
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            if self.path == "/robots.txt":
                self._answer(200, ROBOTS, "text/plain")
                return
            target = table.get(_key(self.path))
            if target is None:
                self._answer(404, b"not found", "text/plain")
            elif isinstance(target, tuple):
                self._answer(target[0], target[1], "application/json")
            else:
                body = target.read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self._answer(304, b"", "", etag)
                    return
                kind = "text/html; charset=utf-8" if target.suffix == ".html" else "application/json"
                self._answer(200, body, kind, etag)

        def _answer(self, status: int, body: bytes, kind: str, etag: str = "") -> None:
            seen.append(f"{status} {self.path}")
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _key(path_and_query: str) -> str:
    return unquote_plus(path_and_query)
