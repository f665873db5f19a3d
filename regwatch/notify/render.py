"""A digest as a mail: subject, text and HTML parts from jinja2 templates, CSS inlined, safe headers.

Scraped text (titles, summaries, URLs) is untrusted: it is escaped in HTML, kept to one line in
text, stripped of control characters before any header, and only http(s) URLs become links.

The templates are regwatch's own files (regwatch/notify/templates, read through PackageLoader): no
template source ever comes from a subscriber, an operator or a scraped page, only the values they
fill in, and those are data (escaped in HTML), never compiled. So they render in a plain jinja2
Environment: the sandbox guards against untrusted template *source*, and checked every attribute
the templates read (~360 per digest, a fifth of a digest's CPU). Should operators ever supply their
own templates, those must be rendered in a SandboxedEnvironment.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr
from functools import cache, cached_property, lru_cache
from typing import Any
from urllib.parse import quote

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

from regwatch.domain import jurisdictions
from regwatch.domain.changes import most_severe_first
from regwatch.domain.models import Change
from regwatch.domain.vocab import ChangeKind
from regwatch.notify import mime
from regwatch.notify.mime import MAIL_POLICY, Mail
from regwatch.notify.subscribers import Subscriber
from regwatch.notify.unsubscribe import token_for
from regwatch.reports import words
from regwatch.reports.render import web_url

# Long enough for "[regwatch] CRITICAL: <place> bans <substance> from <date> (+N more)" with a
# long place name; short enough that phone clients show the whole subject.
SUBJECT_TEXT_MAX = 110
_WAS_SUFFIX = re.compile(r"\s*\(was [a-z_]+\)$")


@dataclass(frozen=True)
class Sender:
    """Who the digests come from and where unsubscribing happens."""

    address: str  # the From header: `alerts@example.org` or `regwatch <alerts@example.org>`
    unsubscribe_url: str  # https endpoint; `?token=` is appended

    @cached_property
    def mailbox(self) -> str:
        """The bare address, for mailto: links."""
        return parseaddr(self.address)[1] or self.address

    @cached_property
    def domain(self) -> str:
        """The sender's domain, for Message-IDs."""
        return self.mailbox.rsplit("@", 1)[-1] or "localhost"


@dataclass(frozen=True)
class Item:
    """One change as a digest shows it: every field already in words."""

    severity: str
    kind: str
    place: str
    substances: str  # every substance the change moves: "kratom, 7-oh, synthetic"
    substance_label: str  # "Substance" or "Substances"
    reliability: str  # "primary", "secondary", "unverified"; "" where not known
    reported: str  # "reported; official text not yet seen", or ""
    old_status: str
    new_status: str
    effective: str
    summary: str
    why: str  # the cell's explanation with its source (regwatch explain), or ""
    links: tuple[str, ...]  # http(s) evidence: rendered as links
    other_evidence: tuple[str, ...]  # anything else (archive ids, odd schemes): rendered as text


def one_line(text: object) -> str:
    """Text safe for a header or a single text line: no control characters, whitespace collapsed."""
    value = str(text or "")
    if value.isascii():  # the ASCII characters of those categories are exactly the C0 controls and DEL
        return " ".join(_ASCII_CONTROLS.sub(" ", value).split())
    chars = (" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value)
    return " ".join("".join(chars).split())


_ASCII_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def subject(changes: list[Change]) -> str:
    """`[regwatch] CRITICAL: Louisiana bans kratom from 2025-08-01 (+2 more)`: the most severe change first.

    A digest carrying only a new subscriber's welcome says so: `[regwatch] Welcome: current status for your
    filters`; a welcome beside changes is not counted among them.
    """
    changes = [c for c in changes if c.kind is not ChangeKind.WELCOME] or changes
    top = changes[0]
    if top.kind is ChangeKind.WELCOME:
        return f"[regwatch] Welcome: {one_line(top.summary)[0].lower()}{one_line(top.summary)[1:]}"
    headline = _WAS_SUFFIX.sub("", one_line(top.summary))
    if len(headline) > SUBJECT_TEXT_MAX:
        headline = headline[: SUBJECT_TEXT_MAX - 1].rstrip() + "\u2026"
    more = f" (+{len(changes) - 1} more)" if len(changes) > 1 else ""
    reported = " (reported)" if top.reported else ""  # a report of an act is not the act: the subject says so
    return f"[regwatch] {top.severity.value.upper()}{reported}: {headline}{more}"


def item(change: Change) -> Item:
    """The words a digest shows for `change`: made once per process for each content of a change (10,000
    digests carry a run's few hundred changes), keyed by every field, so an edited change is worded anew."""
    key = tuple(tuple(v) if isinstance(v, list) else v for v in (getattr(change, f) for f in _CHANGE_FIELDS))
    found = _ITEMS.get(key)
    if found is None:
        if len(_ITEMS) >= _ITEMS_MAX:
            _ITEMS.clear()
        found = _ITEMS[key] = _words(change)
    return found


_CHANGE_FIELDS = tuple(Change.model_fields)
_ITEMS: dict[tuple[Any, ...], Item] = {}
_ITEMS_MAX = 4096  # a run's changes number in the hundreds


def _words(change: Change) -> Item:
    if change.jurisdiction:
        place = jurisdictions.label(change.jurisdiction)
    elif change.kind is ChangeKind.SOURCE_BROKEN:
        place = f"source {change.source}"
    else:
        place = "all jurisdictions"
    evidence = [one_line(e) for e in change.evidence]
    return Item(
        severity=change.severity.value.upper(),
        kind=change.kind.value.replace("_", " "),
        place=one_line(place),
        substances=words.substances(change) or "all substances",
        substance_label="Substances" if len(change.substances) > 1 else "Substance",
        reliability=words.reliability(change.reliability),
        reported=words.REPORTED if change.reported else "",
        old_status=change.old_status.value if change.old_status else "",
        new_status=change.new_status.value if change.new_status else "",
        effective=change.effective.isoformat() if change.effective else "",
        summary=one_line(change.summary),
        why=one_line(change.explanation),
        links=tuple(link for e in evidence if (link := web_url(e))),
        other_evidence=tuple(e for e in evidence if web_url(e) is None),
    )


@dataclass(frozen=True)
class _Digest:
    """What a digest says, before it is put into MIME: its headers' values and its two bodies."""

    subject: str
    sender: str
    to: str
    date: str
    message_id: str
    list_unsubscribe: str
    text: str
    html: str


def _digest(subscriber: Subscriber, changes: list[Change], sender: Sender, message_id: str, now: datetime) -> _Digest:
    if not changes:
        raise ValueError(f"no changes for {subscriber.email}: an empty digest is never sent")
    changes = most_severe_first(changes)  # the subject names the first: it must be the most severe
    token = token_for(subscriber)  # signed when REGWATCH_UNSUBSCRIBE_SECRET is set (regwatch.notify.unsubscribe)
    https_unsubscribe = f"{sender.unsubscribe_url}?token={quote(token)}"
    mailto_unsubscribe = f"mailto:{sender.mailbox}?subject={quote('unsubscribe ' + token)}"
    context = digest_context(subscriber, changes, https_unsubscribe, now)
    # Every header value goes through one_line: the policy would refuse CR/LF, we refuse all controls.
    return _Digest(
        subject=one_line(subject(changes)),
        sender=one_line(sender.address),
        to=one_line(subscriber.email),
        date=format_datetime(now),
        message_id=one_line(message_id),
        list_unsubscribe=f"<{mailto_unsubscribe}>, <{https_unsubscribe}>",
        text=text_part(context),
        html=html_part(context),
    )


def digest_context(subscriber: Subscriber, changes: list[Change], unsubscribe: str, now: datetime) -> dict[str, Any]:
    """What the templates read: the changes in words (the welcome apart), the subscriber and their filters."""
    welcome = next((c for c in changes if c.kind is ChangeKind.WELCOME), None)
    return {
        "items": [item(c) for c in changes if c.kind is not ChangeKind.WELCOME],
        "welcome": (
            {"summary": one_line(welcome.summary), "lines": [one_line(x) for x in welcome.explanation.splitlines()]}
            if welcome is not None
            else None
        ),
        "subscriber": subscriber,
        "filters": _filters(subscriber),
        "unsubscribe": unsubscribe,
        "now": now,
    }


def text_part(context: dict[str, Any]) -> str:
    """The text part: each change's lines made once per process for each place in the list (change_text)."""
    lines = "".join(change_text(i, n) for n, i in enumerate(context["items"], start=1))
    return template("digest.txt.j2").render(context, changes_text=lines)


@lru_cache(maxsize=8192)  # a run's few hundred changes, each at the few places a digest puts it
def change_text(change: Item, n: int) -> str:
    """The lines of the `n`th change of a digest's text part, with the blank line that ends them."""
    return template("digest_change.txt.j2").render(i=change, n=n) + "\n"


def html_part(context: dict[str, Any]) -> str:
    """The HTML part, CSS inlined: Gmail and Outlook drop <style> blocks, so every rule goes onto the elements.

    Each change's block (digest_change.html.j2) reads only its Item, and no selector of digest.css looks
    outside the element's own block (no ancestor beyond it, no sibling), so the block is inlined on its
    own, once per process for all the digests that carry the change (change_block), and put into the
    rest of the document, inlined around a placeholder: the same text as inlining the whole document
    (tests/notify/test_notify_render.py), without parsing each digest's up to 220 KB of HTML again.
    """
    page = css_inline.inline(template("digest.html.j2").render(context, changes_html=Markup(_CHANGES)))
    # The first occurrence is the placeholder: it precedes every value from the data but the escaped
    # welcome text, and text is written escaped ("&lt;"), so no value can put it before.
    return page.replace(_CHANGES, "".join(change_block(i) for i in context["items"]), 1)


_CHANGES = "<regwatch-changes></regwatch-changes>"  # an element the stylesheet matches nowhere


@lru_cache(maxsize=4096)  # distinct changes in one send: a run's few hundred
def change_block(change: Item) -> str:
    """One change's block of a digest's HTML, CSS inlined, with the newline that ends it."""
    return css_inline.inline_fragment(template("digest_change.html.j2").render(i=change) + "\n", _stylesheet())


@cache
def _stylesheet() -> str:
    """digest.css: the digest's stylesheet, included in the document and applied to each change's block."""
    source, _, _ = _environment().loader.get_source(_environment(), "digest.css")  # type: ignore[union-attr]
    return source


def build_message(
    subscriber: Subscriber, changes: list[Change], sender: Sender, message_id: str, now: datetime
) -> EmailMessage:
    """The digest for `subscriber`: multipart/alternative, unsubscribe headers, the given Message-ID."""
    return _email(_digest(subscriber, changes, sender, message_id, now))


def compose(subscriber: Subscriber, changes: list[Change], sender: Sender, message_id: str, now: datetime) -> Mail:
    """The digest of `build_message` as a Mail: the same bytes (but the MIME boundary), written directly
    (regwatch.notify.mime) where the message has the usual shape, else through the email package."""
    d = _digest(subscriber, changes, sender, message_id, now)
    envelope = _envelope_sender(d.sender)
    text = mime.text_part(d.text, "plain", mime_version=False)
    html = mime.text_part(d.html, "html", mime_version=True)
    if text is None or html is None or not (envelope.isascii() and d.to.isascii()):
        msg = _email(d)  # an overlong line, or an address that needs SMTPUTF8: as the email package does it
        return Mail(envelope, d.to, d.message_id, d.subject, msg.as_bytes(), email=msg)
    headers = [
        mime.header("Subject", d.subject),
        mime.folded("From", d.sender),
        mime.header("To", d.to),
        mime.folded("Date", d.date),
        mime.header("Message-ID", d.message_id),
        mime.header("List-Unsubscribe", d.list_unsubscribe),
        b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",  # RFC 8058 one-click
        b"Auto-Submitted: auto-generated\r\n",  # RFC 3834: no vacation auto-replies to the robot
    ]
    return Mail(envelope, d.to, d.message_id, d.subject, mime.alternative(headers, [text, html]))


def _email(d: _Digest) -> EmailMessage:
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["Subject"] = d.subject
    msg["From"] = d.sender
    msg["To"] = d.to
    msg["Date"] = d.date
    msg["Message-ID"] = d.message_id
    msg["List-Unsubscribe"] = d.list_unsubscribe
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058 one-click
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies to the robot
    msg.set_content(d.text)
    msg.add_alternative(d.html, subtype="html")
    return msg


@cache
def _envelope_sender(address: str) -> str:
    """MAIL FROM as smtplib's send_message takes it: the From header's address."""
    return getaddresses([address])[0][1]


def _filters(subscriber: Subscriber) -> str:
    """The subscriber's filters in words, so a reader knows why this mail came."""
    where = ", ".join(subscriber.jurisdictions) or "all jurisdictions"
    what = ", ".join(s.value for s in subscriber.substances) or "all substances"
    return f"{where}; {what}; severity {subscriber.min_severity.value} and above; {subscriber.cadence.value}"


@cache
def template(name: str) -> Template:
    """Compiled once per process (auto_reload off: the package's files do not change under a running send)."""
    return _environment().get_template(name)


@cache
def _environment() -> Environment:
    # Not sandboxed: the templates are the package's own (see the module docstring).
    return Environment(
        loader=PackageLoader("regwatch.notify", "templates"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,  # a misspelt field fails the test suite, not a subscriber's mail
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
