"""send_digests: the one entry point the CLI, the Airflow digest DAG and the tests call."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import make_msgid
from itertools import islice
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
from regwatch.notify.mime import Mail
from regwatch.notify.outbox import (
    STALE_CLAIM,
    Claim,
    Pending,
    claim_batch,
    mark_failed,
    mark_sent,
    pending_for,
    release,
)
from regwatch.notify.render import Sender, compose
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
    waiting = pending_for(store, subscribers, now)  # one query for every subscriber's waiting rows
    queue = _Queue([(s, waiting[s.id]) for s in subscribers if s.id in waiting])
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


# Messages claimed in one outbox transaction (and marked sent in the next one's): one commit per batch
# instead of one per message. A crash leaves at most one batch per worker in doubt: resent, each under
# its own Message-ID, by a later send, and dropped as a duplicate by the receiving mail store.
BATCH = 50


class _Queue:
    """The subscribers of a send with what waits for each, handed out a batch at a time to the workers;
    stopped at a configuration error."""

    def __init__(self, work: list[tuple[Subscriber, list[Pending]]]) -> None:
        self._work = iter(work)
        self._lock = threading.Lock()
        self.stopped = False

    def next(self) -> list[tuple[Subscriber, list[Pending]]]:
        with self._lock:
            if self.stopped:
                return []
            return list(islice(self._work, BATCH))

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

    Messages are claimed BATCH at a time, in one transaction, and those the server accepted are recorded
    as sent in the next batch's claim (or at the end): a crash in between leaves the batch `sending`, each
    message to be resent under its Message-ID like any in-doubt one (an exception, unlike a kill, first
    records what was accepted). Several workers run side by side for a large send
    (REGWATCH_SMTP_SESSIONS): each is this same sequence, so each leaves at most one batch in doubt.
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
    accepted: list[str] = []  # Message-IDs the server took and the store does not yet record as sent
    try:
        while work := queue.next():
            batch = _claim(store, now, sender, report, work, accepted)
            accepted = []
            for n, (subscriber, waiting, message_id) in enumerate(batch):
                if queue.stopped:  # a configuration error here or in another worker: the rest never left
                    for _, unsent, unsent_id in batch[n:]:  # a resend keeps its Message-ID: it may have gone before
                        resend = unsent.message_id is not None
                        release(store, unsent_id, "not sent: the send stopped", delivered_maybe=resend)
                    break
                if _send_one(
                    store, sender, session, folder, report, queue, retry, subscriber, waiting, message_id, now
                ):
                    accepted.append(message_id)
    except Exception:
        # Record what the server already took, so that an error (not a kill) resends none of it.
        _mark_quietly(store, accepted, now)
        raise
    if accepted:
        mark_sent(store, accepted, now)


def _mark_quietly(store: Store, accepted: list[str], now: datetime) -> None:
    """mark_sent on the way out of a failed send; a failure here leaves the messages in doubt, as a kill would."""
    if not accepted:
        return
    try:
        mark_sent(store, accepted, now)
    except Exception:
        log.exception("could not record %d accepted digest(s) as sent: they will be resent", len(accepted))


def _claim(
    store: Store,
    now: datetime,
    sender: Sender,
    report: DigestReport,
    work: list[tuple[Subscriber, list[Pending]]],
    accepted: list[str],
) -> list[tuple[Subscriber, Pending, str]]:
    """Claim a batch's messages in one transaction (recording `accepted` as sent in it); those to send."""
    wanted: list[tuple[Subscriber, Pending, str]] = []
    for subscriber, waiting in work:
        for pending in waiting:
            if pending.retry_at is not None:
                with _REPORT_LOCK:
                    report.hold(channels.label(subscriber.email), len(pending.changes), pending.retry_at)
                continue
            wanted.append((subscriber, pending, pending.message_id or make_msgid(domain=sender.domain)))
    claims = [Claim(int(s.id or 0), [c.id for c in p.changes], m) for s, p, m in wanted]
    claimed = claim_batch(store, claims, now, sent=accepted)
    for (subscriber, pending, _), ok in zip(wanted, claimed, strict=True):
        if not ok:  # a concurrent send took these rows a moment ago
            with _REPORT_LOCK:
                report.hold(channels.label(subscriber.email), len(pending.changes), now + STALE_CLAIM)
    return [w for w, ok in zip(wanted, claimed, strict=True) if ok]


def _send_one(
    store: Store,
    sender: Sender,
    session: SmtpSession | None,
    folder: Path | None,
    report: DigestReport,
    queue: _Queue,
    retry: RetryPolicy | None,
    subscriber: Subscriber,
    waiting: Pending,
    message_id: str,
    now: datetime,
) -> bool:
    """Build and deliver one claimed message: True when the server took it; a refusal or a deferral is
    recorded, and a configuration error stops the send."""
    who = channels.label(subscriber.email)  # a webhook URL's tokens never reach the report or the log
    mail = compose(subscriber, waiting.changes, sender, message_id, now)
    try:
        if channels.is_channel(subscriber.email):  # chat or webhook: same outbox, posted by apprise
            channels.send(subscriber.email, mail.message(), retry or RetryPolicy())
        else:
            _deliver(mail, session, folder, report)
    except PermanentFailure as exc:
        mark_failed(store, message_id, str(exc))
        with _REPORT_LOCK:
            report.failed.append(f"{who}: {exc}")
        return False
    except TransientFailure as exc:
        release(store, message_id, str(exc), delivered_maybe=exc.delivered_maybe)
        with _REPORT_LOCK:
            report.deferred.append(f"{who}: {exc}")
        return False
    except ConfigurationError as exc:
        release(store, message_id, str(exc), delivered_maybe=False)
        queue.stop()
        with _REPORT_LOCK:
            report.error = report.error or str(exc)
        log.error("digest send stopped: %s", exc)
        return False
    with _REPORT_LOCK:
        report.messages += 1
        report.changes += len(waiting.changes)
        report.resent += waiting.message_id is not None
    return True


def utc(moment: datetime) -> str:
    """A time for people: "2026-09-02 07:10 UTC"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _deliver(msg: Mail, session: SmtpSession | None, folder: Path | None, report: DigestReport) -> None:
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
