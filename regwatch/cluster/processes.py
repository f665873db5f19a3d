"""The processes a cluster run starts: each in a process group of its own, all stopped by group id.

Airflow's parts start children of their own (the scheduler's executor, Celery's pool, the task supervisors,
`scrapy crawl`), so each part is started as the leader of a new session and stopped by signalling its whole
group: SIGTERM, then SIGKILL to what is left after a grace period. Ctrl-C in the terminal reaches only the
driver (the parts are in sessions of their own); the driver then stops them all.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass
class Part:
    """One started process (the leader of its own process group) and where its output goes."""

    name: str
    process: subprocess.Popen[bytes]
    log_file: Path

    @property
    def pgid(self) -> int:
        return self.process.pid  # a session leader's group id is its pid

    def running(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines: int = 30) -> str:
        """The last lines of its output, for an error message."""
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is left (signal 0 tests without signalling)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class Parts:
    """The parts started so far, stopped in reverse order of starting."""

    folder: Path
    started: list[Part] = field(default_factory=list)

    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> Part:
        """Start `argv` as a new session, its output in `<folder>/<name>.log`."""
        self.folder.mkdir(parents=True, exist_ok=True)
        log_file = self.folder / f"{name}.log"
        with log_file.open("ab") as out:
            process = subprocess.Popen(  # noqa: S603 (our own argv)
                list(argv), env=dict(env), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
        part = Part(name, process, log_file)
        self.started.append(part)
        log.info("started %s (pid %d): %s", name, process.pid, " ".join(argv[:4]))
        return part

    def dead(self) -> list[Part]:
        """The parts that have exited (none should, until stopped)."""
        return [part for part in self.started if not part.running()]

    def stop(self, grace: float = 20.0) -> list[str]:
        """Stop every part by process group, newest first; the names of groups that needed SIGKILL."""
        killed: list[str] = []
        for part in reversed(self.started):
            _signal(part.pgid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for part in reversed(self.started):
            while group_alive(part.pgid) and time.monotonic() < deadline:
                part.process.poll()  # reap the leader, so its pid is not a zombie that looks alive
                time.sleep(0.1)
            if group_alive(part.pgid):
                killed.append(part.name)
                _signal(part.pgid, signal.SIGKILL)
        for part in self.started:
            try:
                part.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                log.warning("%s (pid %d) did not exit after SIGKILL", part.name, part.pgid)
        # A group is gone when its last member is reaped; the children of a killed leader are re-parented
        # to init, which reaps them: wait for that too.
        for part in self.started:
            end = time.monotonic() + 5
            while group_alive(part.pgid) and time.monotonic() < end:
                time.sleep(0.1)
        self.started = [part for part in self.started if group_alive(part.pgid)]
        return killed


def _signal(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)
