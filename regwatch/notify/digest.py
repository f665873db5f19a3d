"""send_digests: the one entry point the CLI, the Airflow digest DAG and the tests call."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from regwatch import settings
from regwatch.domain.vocab import Cadence
from regwatch.notify import channels
from regwatch.notify.delivery import (
    ConfigurationError,
    PermanentFailure,
    RetryPolicy,
    SmtpConfig,
    SmtpSession,
    TransientFailure,
    resolve_smtp,
    write_eml,
)
from regwatch.notify.outbox import STALE_CLAIM, claim, mark_failed, mark_sent, pending, release
from regwatch.notify.render import Sender, build_message
from regwatch.notify.subscribers import Subscriber, all_subscribers
from regwatch.store import Store

log = logging.getLogger(__name__)
DEFAULT_FROM = "regwatch@localhost"
DEFAULT_UNSUBSCRIBE_URL = "https://localhost/unsubscribe"


@dataclass
class DigestReport:
    """What one send did, for the CLI to print and the DAG to log or fail on."""

    cadence: Cadence
    transport: str
    messages: int = 0
    changes: int = 0
    resent: int = 0  # in-doubt messages sent again under their own Message-ID
    files: list[Path] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)  # "email: error", left queued for the next send
    failed: list[str] = field(default_factory=list)  # "email: error", refused for good
    # "email: N change(s) held by another send since T; retried after T+10 min": claimed by a send that is
    # still running or was killed less than STALE_CLAIM ago; left alone, and not sent by this send.
    held: list[str] = field(default_factory=list)
    retry_at: datetime | None = None  # the earliest time a held message may be taken over and resent
    error: str | None = None  # a configuration error that stopped the send

    @property
    def ok(self) -> bool:
        """Nothing is waiting because of an error or another send (permanent refusals are recorded, not waiting)."""
        return self.error is None and not self.deferred and not self.held

    def hold(self, email: str, changes: int, retry_at: datetime) -> None:
        """Record a message another send holds, and when it will be retried."""
        since = retry_at - STALE_CLAIM
        self.held.append(
            f"{email}: {changes} change(s) held by another send since {utc(since)}; retried after {utc(retry_at)}"
        )
        self.retry_at = min(self.retry_at or retry_at, retry_at)


def send_digests(
    store: Store,
    cadence: Cadence | str,
    now: datetime | None = None,
    smtp_url: str | None = None,
    eml_dir: Path | None = None,
    *,
    retry: RetryPolicy | None = None,
    mail_from: str | None = None,
) -> DigestReport:
    """Mail each active subscriber of `cadence` one digest of what they have not yet been sent.

    SMTP from `smtp_url`, REGWATCH_SMTP_URL or the Airflow connection `regwatch_smtp`; with none,
    each digest is written as an .eml file into `eml_dir` (default: the latest run's report folder,
    `<REGWATCH_REPORTS_DIR>/<run-id>/outbox/`). Messages left in doubt by a crashed send are resent
    first, under their original Message-ID (see regwatch.notify.outbox).
    """
    cadence = Cadence(cadence)
    now = (now or datetime.now(UTC)).astimezone(UTC)  # the store keeps UTC; SQLite drops the zone
    config = resolve_smtp(smtp_url)
    folder = None if config is not None else (eml_dir or _default_eml_dir(store))
    sender = Sender(
        address=mail_from or settings.mail_from() or DEFAULT_FROM,
        unsubscribe_url=settings.unsubscribe_url() or DEFAULT_UNSUBSCRIBE_URL,
    )
    report = DigestReport(cadence=cadence, transport=config.redacted() if config else f"eml:{folder}")
    subscribers = all_subscribers(store, cadence=cadence, active_only=True)
    workers = _workers(len(subscribers), settings.smtp_sessions() if config is not None else 1)
    queue = _Queue(subscribers)
    if workers == 1:
        _send_all(store, now, sender, config, retry, folder, report, queue)
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="digest") as pool:
            running = [
                pool.submit(_send_all, store, now, sender, config, retry, folder, report, queue) for _ in range(workers)
            ]
            for future in running:
                future.result()  # re-raises what a worker raised, after every worker has stopped
    if report.error is None:
        log.info(
            "%s digests via %s: %d messages, %d changes, %d deferred, %d failed, %d held by another send%s",
            cadence.value,
            report.transport,
            report.messages,
            report.changes,
            len(report.deferred),
            len(report.failed),
            len(report.held),
            f" (retried after {utc(report.retry_at)})" if report.retry_at else "",
        )
    return report


# Subscribers per SMTP session before a second session opens: a small send (the tests, a few dozen
# subscribers) keeps one connection, as before; 10,000 digests go out over REGWATCH_SMTP_SESSIONS.
SUBSCRIBERS_PER_SESSION = 200


def _workers(subscribers: int, sessions: int) -> int:
    return max(1, min(sessions, subscribers // SUBSCRIBERS_PER_SESSION))


class _Queue:
    """The subscribers of a send, handed out one at a time to the workers; stopped at a configuration error."""

    def __init__(self, subscribers: list[Subscriber]) -> None:
        self._subscribers = iter(subscribers)
        self._lock = threading.Lock()
        self.stopped = False

    def next(self) -> Subscriber | None:
        with self._lock:
            return None if self.stopped else next(self._subscribers, None)

    def stop(self) -> None:
        self.stopped = True


_REPORT_LOCK = threading.Lock()  # workers of one send add to one DigestReport


def _send_all(
    store: Store,
    now: datetime,
    sender: Sender,
    config: SmtpConfig | None,
    retry: RetryPolicy | None,
    folder: Path | None,
    report: DigestReport,
    queue: _Queue,
) -> None:
    """One worker: claim, build, deliver and record each pending digest of the subscribers it takes from
    `queue`, over an SMTP connection of its own (opened at its first message, QUIT at the end); stop at a
    configuration error (and stop the other workers).

    A message the server accepted is recorded as sent in this worker's next claim's transaction (or at
    the end): a crash in between leaves it `sending`, to be resent under its Message-ID like any
    in-doubt one. Several workers run side by side for a large send (REGWATCH_SMTP_SESSIONS): each is
    this same sequence, so each leaves at most one message in doubt.
    """
    session = SmtpSession(config, retry or RetryPolicy()) if config is not None else None
    try:
        _work(store, now, sender, session, folder, report, queue, retry)
    except BaseException:
        queue.stop()  # a crash of one worker is a crash of the send: the others stop at their next subscriber
        raise
    finally:
        if session is not None:
            session.close()


def _work(
    store: Store,
    now: datetime,
    sender: Sender,
    session: SmtpSession | None,
    folder: Path | None,
    report: DigestReport,
    queue: _Queue,
    retry: RetryPolicy | None = None,
) -> None:
    accepted: str | None = None  # Message-ID the server took and the store does not yet record as sent
    while (subscriber := queue.next()) is not None:
        who = channels.label(subscriber.email)  # a webhook URL's tokens never reach the report or the log
        for batch in pending(store, subscriber, now):
            if batch.retry_at is not None:
                with _REPORT_LOCK:
                    report.hold(who, len(batch.changes), batch.retry_at)
                continue
            message_id = batch.message_id or make_msgid(domain=sender.domain)
            ids = [c.id for c in batch.changes]
            claimed = claim(store, int(subscriber.id or 0), ids, message_id, now, sent=accepted)
            accepted = None
            if not claimed:  # a concurrent send took these rows a moment ago
                with _REPORT_LOCK:
                    report.hold(who, len(ids), now + STALE_CLAIM)
                continue
            msg = build_message(subscriber, batch.changes, sender, message_id, now)
            try:
                if channels.is_channel(subscriber.email):  # chat or webhook: same outbox, posted by apprise
                    channels.send(subscriber.email, msg, retry or RetryPolicy())
                else:
                    _deliver(msg, session, folder, report)
            except PermanentFailure as exc:
                mark_failed(store, message_id, str(exc))
                with _REPORT_LOCK:
                    report.failed.append(f"{who}: {exc}")
                continue
            except TransientFailure as exc:
                release(store, message_id, str(exc), delivered_maybe=exc.delivered_maybe)
                with _REPORT_LOCK:
                    report.deferred.append(f"{who}: {exc}")
                continue
            except ConfigurationError as exc:
                release(store, message_id, str(exc), delivered_maybe=False)
                queue.stop()
                with _REPORT_LOCK:
                    report.error = report.error or str(exc)
                log.error("digest send stopped: %s", exc)
                return
            accepted = message_id
            with _REPORT_LOCK:
                report.messages += 1
                report.changes += len(ids)
                report.resent += batch.message_id is not None
    if accepted is not None:
        mark_sent(store, accepted, now)


def utc(moment: datetime) -> str:
    """A time for people: "2026-09-02 07:10 UTC"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _deliver(msg: EmailMessage, session: SmtpSession | None, folder: Path | None, report: DigestReport) -> None:
    """Through SMTP when configured, else into an .eml file."""
    if session is not None:
        session.send(msg)
    else:
        assert folder is not None
        path = write_eml(folder, msg)
        with _REPORT_LOCK:
            report.files.append(path)


def _default_eml_dir(store: Store) -> Path:
    """`<reports>/<latest run>/outbox/`: the digests sit beside the report they summarise."""
    latest = store.latest_run()
    base = settings.reports_dir()
    return base / latest.id / "outbox" if latest else base / "outbox"
