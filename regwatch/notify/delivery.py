"""Getting a message out: SMTP (smtp:// or smtps://, STARTTLS on request) with retries, or an .eml file.

Failures are sorted into three kinds, because each calls for a different act:
transient (4xx, refused or dropped connections: retry, then leave queued), permanent (5xx for the
recipient or the message: record, never retry) and configuration (bad credentials, sender refused:
stop the whole send, nothing is marked failed). Passwords never appear in errors or logs.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from regwatch import settings
from regwatch.notify.mime import Mail
from regwatch.redact import redact, redact_url

log = logging.getLogger(__name__)
_TRUE = {"1", "true", "yes", "on"}


class DeliveryError(Exception):
    """A message did not go out; the message is safe to show (no password)."""


class TransientFailure(DeliveryError):
    """Worth retrying later. `delivered_maybe`: the connection dropped once the message was handed over."""

    def __init__(self, message: str, *, delivered_maybe: bool = False) -> None:
        super().__init__(message)
        self.delivered_maybe = delivered_maybe


class PermanentFailure(DeliveryError):
    """The server refused this recipient or this message for good (5xx)."""


class ConfigurationError(DeliveryError):
    """The SMTP settings are wrong (URL, credentials, sender): no message can go out until fixed."""


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to submit mail. The password is kept out of repr and of `redacted()`."""

    host: str
    port: int
    ssl: bool = False
    starttls: bool = False
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0  # seconds per SMTP command: a stuck server must not hang the scheduler

    def redacted(self) -> str:
        scheme = "smtps" if self.ssl else "smtp"
        who = f"{self.user}:***@" if self.user and self.password else (f"{self.user}@" if self.user else "")
        return f"{scheme}://{who}{self.host}:{self.port}" + ("?starttls=1" if self.starttls else "")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a transient failure within one send."""

    attempts: int = 3
    wait: float = 2.0  # seconds before the 2nd attempt, doubling after; tests use 0


def parse_smtp_url(url: str) -> SmtpConfig:
    """`smtp://user:pass@host:port?starttls=1` or `smtps://...`; user and password may come from env."""
    try:
        parts = urlsplit(url)
        parts.hostname  # noqa: B018  (parses the host part: a bracket left open is a ValueError)
    except ValueError as exc:
        raise ConfigurationError(f"SMTP URL {redact_url(url)!r}: {exc}") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigurationError(f"SMTP URL {redact_url(url)!r}: expected smtp://host:port or smtps://host:port")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise ConfigurationError(f"SMTP URL {redact_url(url)!r}: the port is not a number") from None
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return SmtpConfig(
        host=parts.hostname,
        port=port,
        ssl=parts.scheme == "smtps",
        starttls=options.get("starttls", "").lower() in _TRUE,
        user=unquote(parts.username) if parts.username else settings.smtp_user(),
        password=unquote(parts.password) if parts.password else settings.smtp_password(),
    )


def resolve_smtp(url: str | None = None) -> SmtpConfig | None:
    """The SMTP settings: `url`, else REGWATCH_SMTP_URL, else the Airflow connection; None: write .eml."""
    url = url or settings.smtp_url()
    if url:
        return parse_smtp_url(url)
    return _airflow_connection()


def send(config: SmtpConfig, msg: EmailMessage | Mail, retry: RetryPolicy) -> None:
    """Submit `msg` alone on a connection of its own; see SmtpSession for many messages."""
    with SmtpSession(config, retry) as session:
        session.send(msg)


class SmtpSession:
    """One SMTP connection for every message of a send: connect, STARTTLS and login once, QUIT at the end.

    A transient failure drops the connection, so the next attempt reconnects; a permanent refusal
    keeps it (smtplib has already reset the transaction with RSET). Use as a context manager.
    """

    def __init__(self, config: SmtpConfig, retry: RetryPolicy) -> None:
        self.config = config
        self.retry = retry
        self.connections = 0  # opened so far: one per send unless errors forced reconnects
        self._smtp: smtplib.SMTP | None = None
        self._served = 0  # messages the current connection has carried
        self._lost = False  # the last failure was the server closing the connection

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, msg: EmailMessage | Mail) -> None:
        """Submit `msg` to its one recipient, retrying transient failures; raise a DeliveryError kind."""
        retrying = Retrying(
            stop=stop_after_attempt(self.retry.attempts),
            wait=wait_exponential(multiplier=self.retry.wait, max=60 * self.retry.wait),
            retry=retry_if_exception_type(TransientFailure),
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                reused = self._served > 0
                try:
                    self._send_once(msg)
                except TransientFailure:
                    # Servers close connections they deem idle or that carried their share of mail
                    # (421, or a silent close): that is no fault of this message, so one fresh
                    # connection is tried at once before the backoff starts.
                    if not (reused and self._lost):
                        raise
                    self._send_once(msg)

    def close(self) -> None:
        """QUIT; a server already gone is no error at the end of a send."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _connection(self) -> smtplib.SMTP:
        """The open connection, or a new one (connected, EHLO, STARTTLS and login as configured)."""
        if self._smtp is not None and self._smtp.sock is not None:
            return self._smtp
        self._drop()
        config = self.config
        smtp: smtplib.SMTP
        if config.ssl:
            smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=_tls())
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        self.connections += 1
        try:
            if config.starttls:
                smtp.starttls(context=_tls())
            if config.user and config.password:
                smtp.login(config.user, config.password)
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def _drop(self) -> None:
        """Forget the connection without a word to the server (it may be gone or mid-transaction)."""
        smtp, self._smtp = self._smtp, None
        self._served = 0
        self._lost = False
        if smtp is not None:
            smtp.close()

    def _send_once(self, msg: EmailMessage | Mail) -> None:
        recipient = msg.to if isinstance(msg, Mail) else str(msg["To"])
        handed_over = False
        self._lost = False
        try:
            smtp = self._connection()
            handed_over = True
            if isinstance(msg, Mail) and msg.email is None:
                # Already flattened as send_message would (regwatch.notify.mime): MAIL FROM, RCPT TO, DATA.
                smtp.sendmail(msg.sender, [recipient], msg.data)
            else:
                smtp.send_message(msg.message() if isinstance(msg, Mail) else msg, to_addrs=[recipient])
        except (smtplib.SMTPException, OSError) as exc:
            failure = _failure(self.config, exc, recipient, handed_over)
            gone = self._smtp is None or self._smtp.sock is None
            if isinstance(failure, TransientFailure) or gone:
                self._drop()
                self._lost = gone or isinstance(exc, (smtplib.SMTPServerDisconnected, OSError))
            raise failure from None
        self._served += 1


def write_eml(folder: Path, msg: EmailMessage | Mail) -> Path:
    """Write `msg` as an .eml file named after its Message-ID (rewriting the same message is harmless)."""
    folder.mkdir(parents=True, exist_ok=True)
    message_id = msg.message_id if isinstance(msg, Mail) else str(msg["Message-ID"])
    name = re.sub(r"[^A-Za-z0-9._@-]", "_", message_id.strip("<>"))
    path = folder / f"{name}.eml"
    path.write_bytes(msg.data if isinstance(msg, Mail) else msg.as_bytes())
    return path


def _failure(config: SmtpConfig, exc: Exception, recipient: str, handed_over: bool) -> DeliveryError:
    """The DeliveryError kind for what smtplib or the socket raised (password blanked)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()), (0, b""))
        return _for_reply(config, f"{recipient} refused", code, reply)
    if isinstance(exc, (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError)):
        return ConfigurationError(_safe(config, f"{config.redacted()}: {exc}"))
    if isinstance(exc, smtplib.SMTPSenderRefused):
        if exc.smtp_code >= 500:
            return ConfigurationError(_safe(config, f"{config.redacted()}: sender refused: {exc}"))
        return TransientFailure(_safe(config, f"{config.redacted()}: sender deferred: {exc}"))
    if isinstance(exc, smtplib.SMTPDataError):
        return _for_reply(config, f"message to {recipient} refused", exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPResponseException):
        return TransientFailure(_safe(config, f"{config.redacted()}: {exc.smtp_code} {exc.smtp_error!r}"))
    # A dropped connection after the message was handed over may still have delivered it.
    return TransientFailure(
        _safe(config, f"{config.redacted()}: {type(exc).__name__}: {exc}"), delivered_maybe=handed_over
    )


def _for_reply(config: SmtpConfig, what: str, code: int, reply: bytes | str) -> DeliveryError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    message = _safe(config, f"{what}: {code} {text}")
    if code >= 500:
        return PermanentFailure(message)
    return TransientFailure(message)


def _safe(config: SmtpConfig, text: str) -> str:
    """`text` with the password blanked, whatever the library put in it."""
    return redact(text, [config.password])


def _tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    cafile = settings.smtp_cafile()
    if cafile:
        context.load_verify_locations(cafile)
    return context


def _airflow_connection() -> SmtpConfig | None:
    """The SMTP settings of the Airflow connection `regwatch_smtp` (settings.SMTP_CONNECTION), or None."""
    conn = settings.airflow_connection(settings.SMTP_CONNECTION)
    if conn is None:
        return None
    extra = conn.extra_dejson or {}
    use_ssl = conn.conn_type == "smtps" or str(extra.get("ssl", "")).lower() in _TRUE
    config = SmtpConfig(
        host=conn.host or "localhost",
        port=conn.port or (465 if use_ssl else 25),
        ssl=use_ssl,
        starttls=str(extra.get("starttls", "")).lower() in _TRUE,
        user=conn.login or settings.smtp_user(),
        password=conn.password or settings.smtp_password(),
    )
    log.info("SMTP from the Airflow connection %s: %s", settings.SMTP_CONNECTION, config.redacted())
    return config
