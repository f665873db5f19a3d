"""One legal event moving several substances: a subscriber to any of them is told once, in one digest entry
naming them all; a change known only from a report says so, and every change says how reliable it is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import lxml.html
import pytest

from regwatch.domain.vocab import Cadence, Reliability, Severity, Status, Substance
from regwatch.notify import queue_alerts, send_digests
from regwatch.notify.filters import wants
from regwatch.notify.render import Sender, build_message, subject
from regwatch.notify.subscribers import make_subscriber
from regwatch.store import Store
from tests.notify.alerts_helpers import NOW, RUN_ID, change, subscribe

EVERY = [Substance.KRATOM, Substance.SEVEN_OH, Substance.SYNTHETIC]
# Kentucky's ban, known so far only from news reports: one event, three substances.
KY = change(
    "ky-ban",
    Severity.CRITICAL,
    "US-KY",
    None,
    substances=EVERY,
    old_status=Status.REGULATED,
    new_status=Status.BANNED,
    effective=date(2025, 9, 1),
    summary="Kentucky bans kratom from 2025-09-01 (was regulated)",
    evidence=["https://news.example/ky"],
    reliability=Reliability.SECONDARY,
    reported=True,
)
# Ohio's restriction of 7-OH from its official text: the leaf is untouched.
OH = change(
    "oh-7oh",
    Severity.HIGH,
    "US-OH",
    Substance.SEVEN_OH,
    old_status=Status.LEGAL,
    new_status=Status.RESTRICTED,
    summary="Ohio restricts 7-OH (was legal)",
    evidence=["https://codes.ohio.gov/7oh"],
    reliability=Reliability.PRIMARY,
)
SENDER = Sender(address="regwatch@example.org", unsubscribe_url="https://example.org/unsubscribe")


@pytest.mark.parametrize(
    ("substances", "expected"),
    [
        ([], {KY.id, OH.id}),
        (["synthetic"], {KY.id}),  # the third substance of the event, not its first
        (["7-oh"], {KY.id, OH.id}),
        (["kratom"], {KY.id}),  # 7-OH alone does not concern a kratom-leaf subscriber
    ],
)
def test_a_subscriber_to_any_substance_of_an_event_gets_it(substances: list[str], expected: set[str]) -> None:
    subscriber = make_subscriber(email="a@example.com", substances=substances)
    assert {c.id for c in (KY, OH) if wants(subscriber, c)} == expected


def entries(msg: EmailMessage) -> list[list[str]]:
    """The text part's numbered entries, each as its lines (stripped), up to the signature."""
    body = msg.get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n").split("\n--\n")[0]  # CRLF as read back from a file
    blocks = text.strip().split("\n\n")[1:]  # the first block is the greeting line
    return [[line.strip() for line in block.splitlines()] for block in blocks]


def test_digest_entry_names_every_substance_and_says_reported_with_reliability() -> None:
    subscriber = make_subscriber(email="synthetic@example.com", substances=["synthetic"], token="t0k3n")
    msg = build_message(subscriber, [OH, KY], SENDER, "<m1@example.org>", NOW)
    assert entries(msg) == [
        [
            "1. [CRITICAL] Kentucky bans kratom from 2025-09-01 (was regulated) (reported; official text not yet seen)",
            "Where:       Kentucky (US-KY)",
            "Substances:  kratom, 7-oh, synthetic",
            "Reliability: secondary",
            "Status:      regulated -> banned",
            "Effective:   2025-09-01",
            "Kind:        status changed",
            "Evidence:    https://news.example/ky",
        ],
        [
            "2. [HIGH] Ohio restricts 7-OH (was legal)",
            "Where:       Ohio (US-OH)",
            "Substance:   7-oh",
            "Reliability: primary",
            "Status:      legal -> restricted",
            "Kind:        status changed",
            "Evidence:    https://codes.ohio.gov/7oh",
        ],
    ]
    assert str(msg["Subject"]) == "[regwatch] CRITICAL (reported): Kentucky bans kratom from 2025-09-01 (+1 more)"
    html = msg.get_body(("html",))
    assert html is not None
    doc = lxml.html.fromstring(html.get_content())
    first = doc.xpath('//div[contains(@class, "change")]')[0]
    assert first.xpath('.//div[@class="reported"]')[0].text_content() == "reported; official text not yet seen"
    facts = [[" ".join(td.text_content().split()) for td in tr.xpath("./td")] for tr in first.xpath(".//tr")]
    assert facts == [
        ["Where", "Kentucky (US-KY)"],
        ["Substances", "kratom, 7-oh, synthetic"],
        ["Reliability", "secondary"],
        ["Status", "regulated → banned"],
        ["Effective", "2025-09-01"],
        ["Evidence", "https://news.example/ky"],
    ]


def test_a_change_whose_reliability_is_not_known_shows_none() -> None:
    bare = change("bare", Severity.LOW, "TH", Substance.KRATOM, summary="Thailand: kratom survey")
    msg = build_message(make_subscriber(email="b@example.com"), [bare], SENDER, "<m2@example.org>", NOW)
    assert entries(msg) == [
        [
            "1. [LOW] Thailand: kratom survey",
            "Where:       Thailand (TH)",
            "Substance:   kratom",
            "Kind:        status changed",
            "Evidence:    https://example.org/bare",
        ]
    ]
    assert subject([bare]) == "[regwatch] LOW: Thailand: kratom survey"


def test_one_event_is_queued_and_mailed_once_per_subscriber(
    sqlite_store: Store, published: Callable[..., str], tmp_path: Path
) -> None:
    published([KY, OH])
    subscribe(sqlite_store, "leaf-and-7oh@example.com", substances=["kratom", "7-oh"])
    subscribe(sqlite_store, "synthetic@example.com", substances=["synthetic"])
    assert queue_alerts(sqlite_store, RUN_ID) == 2 + 1
    report = send_digests(sqlite_store, Cadence.DAILY, now=NOW, eml_dir=tmp_path / "eml")
    assert (report.messages, report.changes) == (2, 3)
    mails = {str(m["To"]): m for m in (read_eml(path) for path in report.files)}
    assert sorted(mails) == ["leaf-and-7oh@example.com", "synthetic@example.com"]
    assert [e[:3] for e in entries(mails["synthetic@example.com"])] == [
        [
            "1. [CRITICAL] Kentucky bans kratom from 2025-09-01 (was regulated) (reported; official text not yet seen)",
            "Where:       Kentucky (US-KY)",
            "Substances:  kratom, 7-oh, synthetic",
        ]
    ]
    assert [e[0] for e in entries(mails["leaf-and-7oh@example.com"])] == [  # the event once, not once per substance
        "1. [CRITICAL] Kentucky bans kratom from 2025-09-01 (was regulated) (reported; official text not yet seen)",
        "2. [HIGH] Ohio restricts 7-OH (was legal)",
    ]


def read_eml(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message
