"""A digest's bytes, written straight out instead of through the email package's header registry.

The email package parses every header into a registry object when it is set and folds it again when
the message is flattened: ~18 headers per digest, about half of a digest's CPU time at 10,000 digests.
A digest always has the same shape (eight headers, multipart/alternative, a text and an HTML part),
so its bytes can be written directly: `compose` writes exactly what `EmailMessage(policy=MAIL_POLICY)`
with `set_content` + `add_alternative` and `as_bytes()` wrote (tests/notify/test_notify_mime.py holds
the two side by side; only the random MIME boundary differs). A header value outside the plain shapes
below is folded by the policy itself (cached, since From and Date repeat in every digest); a body with a
line over the policy's 998 characters, or an address that needs SMTPUTF8, makes `compose` say None and
the caller builds the message through the email package as before.
"""

from __future__ import annotations

import re
import secrets
import sys
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from functools import lru_cache

# RFC 5322's hard line limit instead of the advisory 78: CPython folds a 78+ character subject that
# starts with "[regwatch]" before its first word, and clients then show a leading space.
MAX_LINE = 998
MAIL_POLICY = policy.SMTP.clone(max_line_length=MAX_LINE)
CRLF = b"\r\n"

# Values the policy's fold writes back verbatim (checked against it in the tests): printable ASCII with
# no RFC 2047 encoded-word opener ("=?" would be decoded and re-encoded), single spaces, none at the ends.
_UNSTRUCTURED = re.compile(r"[!-~]+(?: [!-~]+)*")
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDR_SPEC = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
_MSG_ID = re.compile(rf"<{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*>")
_SHAPES = {"subject": _UNSTRUCTURED, "list-unsubscribe": _UNSTRUCTURED, "to": _ADDR_SPEC, "message-id": _MSG_ID}


@dataclass(frozen=True)
class Mail:
    """A digest ready to go: its envelope, the headers the send reads, and its bytes as flattened for SMTP.

    `email` is set when the message was built through the email package (an address needing SMTPUTF8,
    an overlong body line): smtplib's `send_message` then flattens it as before.
    """

    sender: str  # the envelope's MAIL FROM: the From header's address
    to: str
    message_id: str
    subject: str
    data: bytes
    email: EmailMessage | None = None

    def message(self) -> EmailMessage:
        """The mail as an EmailMessage, for the chat and webhook channels (they read its subject and text)."""
        if self.email is not None:
            return self.email
        parsed = message_from_bytes(self.data, policy=MAIL_POLICY)
        assert isinstance(parsed, EmailMessage)
        return parsed


def header(name: str, value: str) -> bytes:
    """`Name: value` and CRLF, as the policy folds it; plain values are written as they are."""
    shape = _SHAPES.get(name.lower())
    line = f"{name}: {value}"
    if shape is not None and len(line) <= MAX_LINE and "=?" not in value and shape.fullmatch(value):
        return line.encode("ascii") + CRLF
    return folded(name, value)


@lru_cache(maxsize=1024)
def folded(name: str, value: str) -> bytes:
    """The header through the policy's registry and fold, as EmailMessage stores and flattens it."""
    return MAIL_POLICY.fold_binary(*MAIL_POLICY.header_store_parse(name, value))


def text_part(body: str, subtype: str, *, mime_version: bool) -> bytes | None:
    """A text/<subtype> part (headers, blank line, body) as `set_content` writes it; None for a line over 998.

    Such a line makes the email package choose quoted-printable or base64 by sniffing: left to it.
    """
    lines = body.encode("utf-8").splitlines()
    if any(len(line) > MAX_LINE for line in lines):
        return None
    payload = CRLF.join(lines) + CRLF
    cte = b"7bit" if payload.isascii() else b"8bit"  # MAIL_POLICY.cte_type is 8bit: UTF-8 goes as is
    head = b"Content-Type: text/" + subtype.encode("ascii") + b'; charset="utf-8"\r\nContent-Transfer-Encoding: ' + cte
    return head + CRLF + (b"MIME-Version: 1.0\r\n" if mime_version else b"") + CRLF + payload


def alternative(headers: list[bytes], parts: list[bytes]) -> bytes:
    """The whole message: `headers`, then multipart/alternative of `parts` under a fresh random boundary."""
    boundary = _boundary(parts)
    out = [*headers, b'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="' + boundary + b'"\r\n']
    out.append(CRLF + b"--" + boundary + CRLF)
    out.append((CRLF + b"--" + boundary + CRLF).join(parts))
    out.append(CRLF + b"--" + boundary + b"--" + CRLF)
    return b"".join(out)


def _boundary(parts: list[bytes]) -> bytes:
    """The email package's shape of boundary (15 '=', 19 random digits, '=='), absent from every part."""
    while True:
        boundary = b"=" * 15 + b"%019d" % secrets.randbelow(sys.maxsize) + b"=="
        if not any(boundary in part for part in parts):
            return boundary
