"""Helpers for the alert tests: changes of every shape, a published run, a loopback SMTP server."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from regwatch.domain.models import Change, Run
from regwatch.domain.vocab import ChangeKind, Severity, Stage, Status, Substance
from regwatch.notify.subscribers import make_subscriber, upsert
from regwatch.store import Store

RUN_ID = "2025-08-01"
NOW = datetime(2025, 8, 1, 7, 0, tzinfo=UTC)


def change(
    key: str, severity: Severity, jurisdiction: str | None, substance: Substance | None, **fields: Any
) -> Change:
    """A change of run RUN_ID with a readable summary; `key` makes its id."""
    defaults: dict[str, Any] = {
        "kind": ChangeKind.STATUS_CHANGED,
        "summary": f"{jurisdiction or 'source'}: change {key}",
        "evidence": [f"https://example.org/{key}"],
    }
    defaults.update(fields)
    return Change(
        id=Change.make_id("test", key),
        run=RUN_ID,
        severity=severity,
        jurisdiction=jurisdiction,
        substance=substance,
        **defaults,
    )


# One change of each shape a filter must tell apart: state, nation, locality, substance, severity,
# and a broken source with neither jurisdiction nor substance.
CHANGES = [
    change(
        "la-ban",
        Severity.CRITICAL,
        "US-LA",
        Substance.KRATOM,
        old_status=Status.LEGAL,
        new_status=Status.BANNED,
        effective=date(2025, 8, 1),
        summary="Louisiana bans kratom from 2025-08-01 (was legal)",
        evidence=["https://legis.la.gov/Legis/BillInfo.aspx?s=25RS&b=SB154"],
    ),
    change(
        "fl-7oh",
        Severity.HIGH,
        "US-FL",
        Substance.SEVEN_OH,
        kind=ChangeKind.PENDING_ADDED,
        stage=Stage.PASSED_CHAMBER,
        summary="Florida: restrict of 7-oh proposed: HB 1234",
    ),
    change("th-unban", Severity.MEDIUM, "TH", Substance.KRATOM, old_status=Status.BANNED, new_status=Status.LEGAL),
    change("sd-news", Severity.LOW, "US-CA:san-diego", Substance.KRATOM, kind=ChangeKind.NEWS),
    change(
        "broken",
        Severity.HIGH,
        None,
        None,
        kind=ChangeKind.SOURCE_BROKEN,
        source="openstates",
        summary="Source openstates is broken: HTTP 500",
        evidence=[],
    ),
]


def publish(store: Store, changes: list[Change], run_id: str = RUN_ID) -> str:
    """Publish a run holding `changes` (no status rows: the outbox needs only the changes)."""
    run = Run(id=run_id, as_of=date.fromisoformat(run_id), started=NOW, finished=NOW, state="published")
    store.publish_run(run, [], changes, [])
    return run_id


def subscribe(store: Store, email: str, **filters: Any) -> None:
    upsert(store, [make_subscriber(email=email, **filters)], now=NOW)


@dataclass
class Mailbox:
    """What the loopback SMTP server received, and which recipients it refuses (550)."""

    messages: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)  # as received: headers exactly as on the wire
    refuse: set[str] = field(default_factory=set)
    defer: dict[str, int] = field(default_factory=dict)  # address -> how many more times to answer 451
    sessions: list[Any] = field(default_factory=list)  # aiosmtpd's session of each RCPT: one per connection

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        self.sessions.append(session)
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if self.defer.get(address, 0) > 0:
            self.defer[address] -= 1
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(envelope.original_content or envelope.content)
        message = message_from_bytes(self.raw[-1], policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    @property
    def connections(self) -> int:
        """How many SMTP connections named a recipient (the list keeps sessions alive)."""
        return len({id(s) for s in self.sessions})

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    """A loopback port nothing listens on (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SmtpServer:
    mailbox: Mailbox
    port: int
    controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
