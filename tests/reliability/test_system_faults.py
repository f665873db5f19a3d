"""Faults of the services around a run: SMTP down or refusing, the database locked or unreachable, the
disk full while a report is written. No mail goes twice, no alert is lost, nothing is half-written."""

from __future__ import annotations

import errno
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, event

from regwatch.notify import RetryPolicy, send_digests
from regwatch.notify.subscribers import make_subscriber, upsert
from regwatch.pipeline.steps import load_baseline, run_pipeline
from regwatch.reports import writer
from regwatch.store import Store, StoreBusy
from tests.reliability.reliability_helpers import DAY1, DAY2, NEW, free_port, snapshot, tree

NO_WAIT = RetryPolicy(attempts=2, wait=0)  # retries without sleeping


class Inbox:
    """An aiosmtpd handler that keeps what it receives and refuses the addresses in `refuse` (550)."""

    def __init__(self, refuse: set[str] | None = None):
        self.refuse = refuse or set()
        self.received: list[tuple[str, bytes]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        for rcpt in envelope.rcpt_tos:
            self.received.append((rcpt, envelope.original_content or envelope.content))
        return "250 OK"

    def message_ids(self) -> Counter[tuple[str, str]]:
        """(recipient, Message-ID) of every message received, with how often each came."""
        ids: Counter[tuple[str, str]] = Counter()
        for rcpt, raw in self.received:
            header = next(line for line in raw.split(b"\r\n") if line.lower().startswith(b"message-id:"))
            ids[(rcpt, header.split(b":", 1)[1].strip().decode())] += 1
        return ids


def day_two(store: Store, reports: Path, subscribers: list[str]) -> None:
    """Baseline, subscribers, day one published; day two's notices stored and published (alerts queued)."""
    load_baseline(store)
    upsert(store, [make_subscriber(email=e) for e in subscribers])
    run_pipeline(store, DAY1, reports_dir=reports)
    store.ingest(NEW)
    run_pipeline(store, DAY2, reports_dir=reports)


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp_server(smtp_port: int) -> Iterator[Any]:
    """Start an SMTP server on `smtp_port` when called; stopped at the end."""
    started: list[Controller] = []

    def start(inbox: Inbox) -> Inbox:
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        started.append(controller)
        return inbox

    yield start
    for controller in started:
        controller.stop()


def test_smtp_down_then_back_mails_each_change_once(
    sqlite_store: Store, tmp_path: Path, smtp_port: int, smtp_server: Any
) -> None:  # noqa: E501
    day_two(sqlite_store, tmp_path / "reports", ["a@example.com", "b@example.com"])
    url = f"smtp://127.0.0.1:{smtp_port}"
    queued = snapshot(sqlite_store).outbox
    assert queued and {state for _, _, state in queued} == {"queued"}

    down = send_digests(sqlite_store, "daily", smtp_url=url, retry=NO_WAIT)
    assert down.messages == 0 and len(down.deferred) == 2
    assert "127.0.0.1" in down.deferred[0] and "ConnectionRefusedError" in down.deferred[0]  # names what failed
    assert snapshot(sqlite_store).outbox == queued  # nothing lost, nothing marked sent

    inbox = smtp_server(Inbox())
    back = send_digests(sqlite_store, "daily", smtp_url=url, retry=NO_WAIT)
    again = send_digests(sqlite_store, "daily", smtp_url=url, retry=NO_WAIT)

    assert (back.messages, back.changes, back.deferred) == (2, len(queued), [])
    assert (again.messages, again.changes) == (0, 0)
    assert sorted(rcpt for rcpt, _ in inbox.message_ids()) == ["a@example.com", "b@example.com"]
    assert set(inbox.message_ids().values()) == {1}  # no mail sent twice
    assert {state for _, _, state in snapshot(sqlite_store).outbox} == {"sent"}


def test_smtp_refusing_one_recipient_sends_the_others_once(
    sqlite_store: Store, tmp_path: Path, smtp_port: int, smtp_server: Any
) -> None:  # noqa: E501
    day_two(sqlite_store, tmp_path / "reports", ["good@example.com", "gone@example.com"])
    inbox = smtp_server(Inbox(refuse={"gone@example.com"}))
    url = f"smtp://127.0.0.1:{smtp_port}"

    first = send_digests(sqlite_store, "daily", smtp_url=url, retry=NO_WAIT)
    second = send_digests(sqlite_store, "daily", smtp_url=url, retry=NO_WAIT)

    assert first.messages == 1 and len(first.failed) == 1 and first.failed[0].startswith("gone@example.com: ")
    assert "550" in first.failed[0]
    assert (second.messages, second.failed, second.deferred) == (0, [], [])  # refused for good: not retried
    assert [rcpt for rcpt, _ in inbox.received] == ["good@example.com"]
    states = {(email, state) for email, _, state in snapshot(sqlite_store).outbox}
    assert states == {("good@example.com", "sent"), ("gone@example.com", "failed")}


def test_a_locked_sqlite_store_fails_the_run_whole_and_the_next_run_completes(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    reports = tmp_path / "reports"
    store = Store.open(f"sqlite:///{path}", create=True)
    load_baseline(store)
    upsert(store, [make_subscriber(email="ops@example.com")])
    run_pipeline(store, DAY1, reports_dir=reports)
    store.ingest(NEW)
    before, report_before = snapshot(store), tree(reports)
    # The store's own busy timeout is 30 s; this engine waits a fifth of a second, so the test is quick.
    impatient = Store(create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.2}))
    event.listen(impatient.engine, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))

    writer_holding_the_lock = sqlite3.connect(path, isolation_level=None)
    writer_holding_the_lock.execute("BEGIN IMMEDIATE")  # another process writing: the write lock is taken
    try:
        # Publishing waits for the write lock (BEGIN IMMEDIATE), then says who holds it.
        with pytest.raises(StoreBusy, match="another run is in progress"):
            run_pipeline(impatient, DAY2, reports_dir=reports)
    finally:
        writer_holding_the_lock.execute("ROLLBACK")
        writer_holding_the_lock.close()

    assert snapshot(store) == before  # no half-written run, no alert queued
    assert tree(reports) == report_before  # no report of a run that was not published
    outcome = run_pipeline(impatient, DAY2, reports_dir=reports)
    assert outcome.changes and snapshot(impatient).outbox
    impatient.engine.dispose()
    store.engine.dispose()


def test_an_unreachable_postgresql_is_a_clear_error_naming_the_store(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://regwatch:Secret-pw@127.0.0.1:{free_port()}/regwatch"
    env = {"REGWATCH_DATABASE_URL": url, "REGWATCH_REPORTS_DIR": str(tmp_path / "reports"), "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-m", "regwatch", "run", "--no-crawl", "--as-of", DAY2.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert "cannot open the store at postgresql+psycopg://regwatch:***@127.0.0.1:" in done.stderr
    assert "Traceback" not in done.stderr and "Secret-pw" not in done.stderr
    assert not (tmp_path / "reports").exists()


def test_a_full_disk_while_writing_a_report_keeps_the_previous_one(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = tmp_path / "reports"
    load_baseline(store)
    upsert(store, [make_subscriber(email="ops@example.com")])
    run_pipeline(store, DAY1, reports_dir=reports)
    store.ingest(NEW)
    report_before = tree(reports)
    real_write = writer._write_file  # noqa: SLF001 (the fault goes in under the writer, where a full disk bites)
    written: list[Path] = []

    def fill_up(path: Path, content: str | bytes) -> None:
        if len(written) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(path)
        real_write(path, content)

    monkeypatch.setattr(writer, "_write_file", fill_up)
    with pytest.raises(OSError, match="No space left on device") as failure:
        run_pipeline(store, DAY2, reports_dir=reports)
    assert str(reports) in str(failure.value)  # the error names the file it could not write
    assert tree(reports) == report_before  # day one's folder and latest/ byte-identical; no staging left
    assert sorted(p.name for p in reports.iterdir()) == [DAY1.isoformat(), "latest"]

    monkeypatch.setattr(writer, "_write_file", real_write)  # space freed: the next run completes
    outcome = run_pipeline(store, DAY2, reports_dir=reports)
    assert (reports / "latest" / "changes.json").read_bytes() == (
        reports / DAY2.isoformat() / "changes.json"
    ).read_bytes()
    queued = snapshot(store).outbox
    assert len(queued) == len({(e, c) for e, c, _ in queued}) == len(outcome.changes)  # each change queued once
