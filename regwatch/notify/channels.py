"""Chat and webhook channels: a subscriber whose address is an apprise URL instead of an email address.

Slack, Microsoft Teams, Discord, Matrix and generic JSON webhooks (`json://`, `jsons://`) are accepted.
A channel subscriber has the same filters and the same outbox as an email one (regwatch.notify.outbox):
the digest is built exactly as for email (subject and text part, regwatch.notify.render) and posted by
apprise instead of SMTP. Its Message-ID rides along (in the text, and as the `X-Regwatch-Message-Id`
header of JSON webhooks), so a receiver can drop the repeat of a message whose acknowledgement was lost.

Webhook URLs hold secrets (Slack and Discord tokens sit in the path): they are shown through `label`,
apprise's privacy form, in every message regwatch prints or logs.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from regwatch.notify.delivery import PermanentFailure, RetryPolicy, TransientFailure

log = logging.getLogger(__name__)

# apprise protocols a subscriber may use (its other plugins mail, text, or pop up desktop notifications).
PROTOCOLS = frozenset({"slack", "msteams", "discord", "matrix", "matrixs", "json", "jsons"})
MAX_LENGTH = 320  # the subscribers table's address column
MESSAGE_ID_HEADER = "X-Regwatch-Message-Id"


def is_channel(address: str) -> bool:
    """Whether a subscriber address is a channel URL (an email address has no scheme)."""
    return "://" in address


def normalise_url(url: str) -> str:
    """The channel URL as stored, or ValueError saying what is wrong with it (never echoing its secrets)."""
    value = url.strip()
    scheme = value.split("://", 1)[0].lower()
    if len(value) > MAX_LENGTH:
        raise ValueError(f"a channel URL is at most {MAX_LENGTH} characters ({scheme}:// URL of {len(value)})")
    plugin = _plugin(value)
    if plugin is None:
        raise ValueError(
            f"{scheme}:// is not a channel URL apprise understands; expected one of "
            + ", ".join(f"{p}://" for p in sorted(PROTOCOLS))
            + " (or a Slack, Discord or Teams webhook https URL)"
        )
    if not _protocols(plugin) & PROTOCOLS:
        raise ValueError(
            f"{scheme}:// is not a chat or webhook channel; expected one of {', '.join(sorted(PROTOCOLS))}"
        )
    return value


def label(address: str) -> str:
    """The address to show: an email as it is, a channel URL with its tokens and passwords hidden."""
    if not is_channel(address):
        return address
    plugin = _plugin(address)
    if plugin is None:
        return address.split("://", 1)[0] + "://..."
    shown: str = plugin.url(privacy=True)
    return shown.split("?", 1)[0]


def send(url: str, msg: EmailMessage, retry: RetryPolicy) -> None:
    """Post the digest `msg` (its subject and text part) to the channel; a DeliveryError kind on failure.

    Transient failures are retried per `retry`; what is left is a TransientFailure that may have been
    delivered (a webhook can act on a request whose answer is lost), so the outbox keeps its Message-ID
    and the next send repeats the same message.
    """
    message_id = str(msg["Message-ID"])
    plugin = _plugin(_with_message_id(url, message_id))
    if plugin is None:
        raise PermanentFailure(f"{label(url)}: no longer a channel URL apprise understands")
    part = msg.get_body(("plain",))
    body = part.get_content() if isinstance(part, EmailMessage) else ""
    body = f"{body.rstrip()}\n\nref {message_id}\n"
    retrying = Retrying(
        stop=stop_after_attempt(retry.attempts),
        wait=wait_exponential(multiplier=retry.wait, max=60 * retry.wait),
        retry=retry_if_exception_type(TransientFailure),
        reraise=True,
    )
    for attempt in retrying:
        with attempt:
            if not plugin.notify(title=str(msg["Subject"]), body=body):
                raise TransientFailure(f"{label(url)}: the channel did not accept the message", delivered_maybe=True)


def _with_message_id(url: str, message_id: str) -> str:
    """JSON webhooks get the Message-ID as a header (apprise reads `+Name=value` query arguments as headers)."""
    if url.split("://", 1)[0].lower() not in ("json", "jsons"):
        return url
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}+{MESSAGE_ID_HEADER}={quote(message_id, safe='')}"


def _plugin(url: str) -> Any | None:
    # apprise (with its plugins) loads only where a channel URL is met: email-only runs never pay for it.
    import apprise  # noqa: PLC0415

    return apprise.Apprise.instantiate(url)


def _protocols(plugin: Any) -> set[str]:
    found: set[str] = set()
    for name in ("protocol", "secure_protocol"):
        value = getattr(plugin, name, None)
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, (tuple, list)):
            found |= {str(v) for v in value}
    return found
