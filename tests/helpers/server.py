"""A fault-injecting replay server for crawl tests: the replay server, plus scripted faults per URL.

Pages come from an archive (the bundled demo archive by default) and can be replaced per URL; each URL can
be given a queue of faults, used one per request before the recorded answer is served again:
`error(500)`, `error(429, retry_after="1")`, `TRUNCATE` (half the body, then the connection closes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from regwatch.evidence.records import Capture, iter_captures, lookup_key
from regwatch.evidence.replay import ReplayHandler, ReplayServer, demo_archive

Answer = tuple[int, list[tuple[str, str]], bytes]
Fault = Callable[[ReplayHandler, Capture | None], Answer]


@dataclass
class Pages:
    """Captures by lookup key, replaceable per URL."""

    by_key: dict[str, Capture] = field(default_factory=dict)

    @classmethod
    def of(cls, archive: Path | None = None) -> Pages:
        return cls({lookup_key(c.uri): c for c in iter_captures(archive or demo_archive())})

    def get(self, path_and_query: str) -> Capture | None:
        return self.by_key.get(lookup_key(path_and_query))

    def replace(self, url: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        """Serve `body` at `url` from now on, as a new capture (new validators)."""
        when = datetime.now(UTC)
        self.by_key[lookup_key(url)] = Capture(url, 200, [("Content-Type", content_type)], body, when)


def error(status: int, retry_after: str | None = None) -> Fault:
    """An error answer (with Retry-After when given)."""

    def fault(handler: ReplayHandler, capture: Capture | None) -> Answer:
        headers = [("Content-Type", "text/plain")] + ([("Retry-After", retry_after)] if retry_after else [])
        return status, headers, f"injected {status}\n".encode()

    return fault


def truncate(handler: ReplayHandler, capture: Capture | None) -> Answer:
    """Announce the whole body, send half of it, then hang up: the client sees a short read."""
    assert capture is not None, f"nothing recorded at {handler.path} to truncate"
    handler.close_connection = True
    headers = [(k, v) for k, v in capture.headers] + [("Content-Length", str(len(capture.body)))]
    return capture.status, headers, capture.body[: len(capture.body) // 2]


TRUNCATE: Fault = truncate


class FaultServer(ReplayServer):
    """ReplayServer whose answers can be replaced by queued faults, per URL."""

    def __init__(self, pages: Pages | None = None):
        self.pages = pages or Pages.of()
        super().__init__(self.pages)
        self.faults: dict[str, list[Fault]] = {}

    def inject(self, url: str, *faults: Fault) -> None:
        """Answer the next requests for `url` with these faults, in order, then normally."""
        self.faults.setdefault(lookup_key(url), []).extend(faults)

    def answer(self, handler: ReplayHandler) -> Answer:
        queue = self.faults.get(lookup_key(handler.path))
        if queue:
            return queue.pop(0)(handler, self.pages.get(handler.path))
        return super().answer(handler)

    def statuses(self, url: str) -> list[int]:
        """The statuses served for `url`, in order."""
        key = lookup_key(url)
        return [s.status for s in self.log if lookup_key(s.path) == key]
