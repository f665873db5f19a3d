"""Getting a message out: SMTP (smtp:// or smtps://, STARTTLS on request) with retries, or an .eml file.

Failures are sorted into three kinds, because each calls for a different act:
transient (4xx, refused or dropped connections: retry, then leave queued), permanent (5xx for the
recipient or the message: record, never retry) and configuration (bad credentials, sender refused:
stop the whole send, nothing is marked failed). Passwords never appear in errors or logs.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
import sys
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

log = logging.getLogger(__name__)
AIRFLOW_CONNECTION = "regwatch_smtp"
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
    parts = urlsplit(url)
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
        user=unquote(parts.username) if parts.username else os.environ.get("REGWATCH_SMTP_USER") or None,
        password=unquote(parts.password) if parts.password else os.environ.get("REGWATCH_SMTP_PASSWORD") or None,
    )


def resolve_smtp(url: str | None = None) -> SmtpConfig | None:
    """The SMTP settings: `url`, else REGWATCH_SMTP_URL, else the Airflow connection; None: write .eml."""
    url = url or os.environ.get("REGWATCH_SMTP_URL")
    if url:
        return parse_smtp_url(url)
    return _airflow_connection()


def redact_url(url: str) -> str:
    """The URL with its password replaced by ***."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def send(config: SmtpConfig, msg: EmailMessage, retry: RetryPolicy) -> None:
    """Submit `msg` to its one recipient, retrying transient failures; raise a DeliveryError kind."""
    retrying = Retrying(
        stop=stop_after_attempt(retry.attempts),
        wait=wait_exponential(multiplier=retry.wait, max=60 * retry.wait),
        retry=retry_if_exception_type(TransientFailure),
        reraise=True,
    )
    for attempt in retrying:
        with attempt:
            _send_once(config, msg)


def write_eml(folder: Path, msg: EmailMessage) -> Path:
    """Write `msg` as an .eml file named after its Message-ID (rewriting the same message is harmless)."""
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9._@-]", "_", str(msg["Message-ID"]).strip("<>"))
    path = folder / f"{name}.eml"
    path.write_bytes(msg.as_bytes())
    return path


def _send_once(config: SmtpConfig, msg: EmailMessage) -> None:
    recipient = str(msg["To"])
    handed_over = False
    try:
        smtp: smtplib.SMTP
        if config.ssl:
            smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=_tls())
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        with smtp:
            if config.starttls:
                smtp.starttls(context=_tls())
            if config.user and config.password:
                smtp.login(config.user, config.password)
            handed_over = True
            smtp.send_message(msg, to_addrs=[recipient])
    except DeliveryError:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()), (0, b""))
        _raise_for_reply(config, f"{recipient} refused", code, reply)
    except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError) as exc:
        raise ConfigurationError(_safe(config, f"{config.redacted()}: {exc}")) from None
    except smtplib.SMTPSenderRefused as exc:
        if exc.smtp_code >= 500:
            raise ConfigurationError(_safe(config, f"{config.redacted()}: sender refused: {exc}")) from None
        raise TransientFailure(_safe(config, f"{config.redacted()}: sender deferred: {exc}")) from None
    except smtplib.SMTPDataError as exc:
        _raise_for_reply(config, f"message to {recipient} refused", exc.smtp_code, exc.smtp_error)
    except smtplib.SMTPResponseException as exc:
        raise TransientFailure(_safe(config, f"{config.redacted()}: {exc.smtp_code} {exc.smtp_error!r}")) from None
    except (smtplib.SMTPException, OSError) as exc:
        # A dropped connection after the message was handed over may still have delivered it.
        raise TransientFailure(
            _safe(config, f"{config.redacted()}: {type(exc).__name__}: {exc}"), delivered_maybe=handed_over
        ) from None


def _raise_for_reply(config: SmtpConfig, what: str, code: int, reply: bytes | str) -> None:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    message = _safe(config, f"{what}: {code} {text}")
    if code >= 500:
        raise PermanentFailure(message)
    raise TransientFailure(message)


def _safe(config: SmtpConfig, text: str) -> str:
    """`text` with the password blanked, whatever the library put in it."""
    return text.replace(config.password, "***") if config.password else text


def _tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    cafile = os.environ.get("REGWATCH_SMTP_CAFILE")  # a private CA, as relays inside a company use
    if cafile:
        context.load_verify_locations(cafile)
    return context


def _airflow_connection() -> SmtpConfig | None:
    """The `regwatch_smtp` Airflow connection, when running under Airflow; else None.

    Only inside an Airflow process (airflow already imported) or with AIRFLOW_CONN_REGWATCH_SMTP set:
    importing Airflow elsewhere costs a second and reconfigures the process's logging.
    """
    if "airflow" not in sys.modules and not os.environ.get("AIRFLOW_CONN_" + AIRFLOW_CONNECTION.upper()):
        return None
    try:
        from airflow.sdk import Connection

        conn = Connection.get(AIRFLOW_CONNECTION)
    except Exception:  # no Airflow, no such connection, no metadata database: not configured
        return None
    extra = conn.extra_dejson or {}
    use_ssl = conn.conn_type == "smtps" or str(extra.get("ssl", "")).lower() in _TRUE
    config = SmtpConfig(
        host=conn.host or "localhost",
        port=conn.port or (465 if use_ssl else 25),
        ssl=use_ssl,
        starttls=str(extra.get("starttls", "")).lower() in _TRUE,
        user=conn.login or os.environ.get("REGWATCH_SMTP_USER") or None,
        password=conn.password or os.environ.get("REGWATCH_SMTP_PASSWORD") or None,
    )
    log.info("SMTP from the Airflow connection %s: %s", AIRFLOW_CONNECTION, config.redacted())
    return config
