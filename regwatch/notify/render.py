"""A digest as a mail: subject, text and HTML parts from jinja2 templates, CSS inlined, safe headers.

Scraped text (titles, summaries, URLs) is untrusted: it is escaped in HTML, kept to one line in
text, stripped of control characters before any header, and only http(s) URLs become links.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import cache
from urllib.parse import quote

import css_inline
from jinja2 import PackageLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from regwatch.domain import jurisdictions
from regwatch.domain.changes import most_severe_first
from regwatch.domain.models import Change
from regwatch.domain.vocab import ChangeKind
from regwatch.notify.subscribers import Subscriber
from regwatch.notify.unsubscribe import token_for
from regwatch.reports import words
from regwatch.reports.render import web_url

# Long enough for "[regwatch] CRITICAL: <place> bans <substance> from <date> (+N more)" with a
# long place name; short enough that phone clients show the whole subject.
SUBJECT_TEXT_MAX = 110
_WAS_SUFFIX = re.compile(r"\s*\(was [a-z_]+\)$")
# RFC 5322's hard line limit instead of the advisory 78: CPython folds a 78+ character subject that
# starts with "[regwatch]" before its first word, and clients then show a leading space.
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class Sender:
    """Who the digests come from and where unsubscribing happens."""

    address: str  # the From header: `alerts@example.org` or `regwatch <alerts@example.org>`
    unsubscribe_url: str  # https endpoint; `?token=` is appended

    @property
    def mailbox(self) -> str:
        """The bare address, for mailto: links."""
        return parseaddr(self.address)[1] or self.address

    @property
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
    links: list[str]  # http(s) evidence: rendered as links
    other_evidence: list[str]  # anything else (archive ids, odd schemes): rendered as text


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
    """The words a digest shows for `change`."""
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
        links=[link for e in evidence if (link := web_url(e))],
        other_evidence=[e for e in evidence if web_url(e) is None],
    )


def build_message(
    subscriber: Subscriber, changes: list[Change], sender: Sender, message_id: str, now: datetime
) -> EmailMessage:
    """The digest for `subscriber`: multipart/alternative, unsubscribe headers, the given Message-ID."""
    if not changes:
        raise ValueError(f"no changes for {subscriber.email}: an empty digest is never sent")
    changes = most_severe_first(changes)  # the subject names the first: it must be the most severe
    token = token_for(subscriber)  # signed when REGWATCH_UNSUBSCRIBE_SECRET is set (regwatch.notify.unsubscribe)
    https_unsubscribe = f"{sender.unsubscribe_url}?token={quote(token)}"
    mailto_unsubscribe = f"mailto:{sender.mailbox}?subject={quote('unsubscribe ' + token)}"
    welcome = next((c for c in changes if c.kind is ChangeKind.WELCOME), None)
    context = {
        "items": [item(c) for c in changes if c.kind is not ChangeKind.WELCOME],
        "welcome": (
            {"summary": one_line(welcome.summary), "lines": [one_line(x) for x in welcome.explanation.splitlines()]}
            if welcome is not None
            else None
        ),
        "subscriber": subscriber,
        "filters": _filters(subscriber),
        "unsubscribe": https_unsubscribe,
        "now": now,
    }
    msg = EmailMessage(policy=MAIL_POLICY)
    # Every header value goes through one_line: the policy would refuse CR/LF, we refuse all controls.
    msg["Subject"] = one_line(subject(changes))
    msg["From"] = one_line(sender.address)
    msg["To"] = one_line(subscriber.email)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = one_line(message_id)
    msg["List-Unsubscribe"] = f"<{mailto_unsubscribe}>, <{https_unsubscribe}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058 one-click
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies to the robot
    msg.set_content(_environment().get_template("digest.txt.j2").render(**context))
    html = _environment().get_template("digest.html.j2").render(**context)
    # Gmail and Outlook drop <style> blocks: every rule goes onto the elements themselves.
    msg.add_alternative(css_inline.inline(html), subtype="html")
    return msg


def _filters(subscriber: Subscriber) -> str:
    """The subscriber's filters in words, so a reader knows why this mail came."""
    where = ", ".join(subscriber.jurisdictions) or "all jurisdictions"
    what = ", ".join(s.value for s in subscriber.substances) or "all substances"
    return f"{where}; {what}; severity {subscriber.min_severity.value} and above; {subscriber.cadence.value}"


@cache
def _environment() -> SandboxedEnvironment:
    # Sandboxed: templates may one day be edited by operators; they must not reach Python internals.
    return SandboxedEnvironment(
        loader=PackageLoader("regwatch.notify", "templates"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,  # a misspelt field fails the test suite, not a subscriber's mail
        trim_blocks=True,
        lstrip_blocks=True,
    )
