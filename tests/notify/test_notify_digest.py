"""send_digests against a real SMTP server on loopback: content, headers, exactly-once, failures."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

import regwatch.notify.digest as digest
from regwatch.domain.vocab import Cadence, Severity, Substance
from regwatch.notify import RetryPolicy, queue_alerts, send_digests
from regwatch.notify.delivery import SmtpSession, TransientFailure, parse_smtp_url
from regwatch.notify.digest import DigestReport
from regwatch.notify.outbox import claim_batch, outbox_rows
from regwatch.notify.render import compose
from regwatch.notify.subscribers import all_subscribers
from regwatch.store import Store
from tests.notify.alerts_helpers import CHANGES, NOW, RUN_ID, Mailbox, SmtpServer, change, free_port, subscribe

NO_WAIT = RetryPolicy(attempts=2, wait=0)  # retries without sleeping: time is not what is tested here
FLORIDA = {c.summary for c in CHANGES if c.jurisdiction in ("US-FL", None)}


def summaries(msg: EmailMessage) -> list[str]:
    """The change summaries a digest's text part lists, in the order it lists them."""
    body = msg.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    found = [c.summary for c in CHANGES if c.summary in text]
    return sorted(found, key=text.index)


def seen_by(mailbox: Mailbox, address: str) -> list[str]:
    """Every change summary `address` sees, counting a resent Message-ID once (as mail clients do)."""
    unique = {str(m["Message-ID"]): m for m in mailbox.to(address)}
    return sorted(s for m in unique.values() for s in summaries(m))


def send(store: Store, url: str | None, minutes: int = 0, cadence: Cadence = Cadence.DAILY, **kw: Any) -> DigestReport:
    return send_digests(store, cadence, now=NOW + timedelta(minutes=minutes), smtp_url=url, retry=NO_WAIT, **kw)


@pytest.fixture
def queued(sqlite_store: Store, published: Callable[..., str]) -> Store:
    """Two daily subscribers (everything; Florida high and above) with the run's changes queued."""
    published()
    subscribe(sqlite_store, "all@example.com")
    subscribe(sqlite_store, "florida@example.com", jurisdictions=["US-FL"], min_severity=Severity.HIGH)
    queue_alerts(sqlite_store, RUN_ID)
    return sqlite_store


def test_one_digest_per_subscriber_most_severe_first_with_every_fact(queued: Store, smtp: SmtpServer) -> None:
    report = send(queued, smtp.url)

    assert (report.messages, report.changes, report.deferred, report.failed) == (2, 7, [], [])
    [digest] = smtp.mailbox.to("all@example.com")
    la, fl, th, sd, broken = (c.summary for c in CHANGES)
    # Most severe first; among equals, the places before a broken source.
    assert summaries(digest) == [la, fl, broken, th, sd]
    assert str(digest["Subject"]) == "[regwatch] CRITICAL: Louisiana bans kratom from 2025-08-01 (+4 more)"
    text = digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    for fact in (
        "Louisiana (US-LA)",
        "Thailand (TH)",
        "San Diego, California (US-CA:san-diego)",
        "source openstates",
        "legal -> banned",
        "Effective:   2025-08-01",
        "Substance:   7-oh",
        "https://legis.la.gov/Legis/BillInfo.aspx?s=25RS&b=SB154",
    ):
        assert fact in text
    [florida] = smtp.mailbox.to("florida@example.com")
    assert sorted(summaries(florida)) == sorted(FLORIDA)
    assert str(florida["Subject"]) == "[regwatch] HIGH: Florida: restrict of 7-oh proposed: HB 1234 (+1 more)"


def test_mail_is_multipart_alternative_with_inlined_css_and_list_headers(queued: Store, smtp: SmtpServer) -> None:
    send(queued, smtp.url)
    [digest] = smtp.mailbox.to("all@example.com")
    token = next(s.token for s in all_subscribers(queued) if s.email == "all@example.com")

    assert digest.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in digest.iter_parts()] == ["text/plain", "text/html"]
    html = digest.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<style" not in html
    assert 'style="border-left' in html  # the .change rule, now on the element itself
    assert '<a href="https://legis.la.gov/Legis/BillInfo.aspx?s=25RS&amp;b=SB154" style=' in html
    assert digest["Date"].datetime == NOW
    assert digest["List-Unsubscribe"] == (
        f"<mailto:regwatch@localhost?subject=unsubscribe%20{token}>, <https://localhost/unsubscribe?token={token}>"
    )
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the wire as plain text: clients do not decode RFC 2047 words in List-Unsubscribe.
    raw = next(r for r in smtp.mailbox.raw if b"\r\nTo: all@example.com\r\n" in r)
    assert b"\r\nList-Unsubscribe: <mailto:" in raw
    assert f"Subject: {digest['Subject']}\r\n".encode() in raw
    assert digest["From"] == "regwatch@localhost"
    message_ids = {r["message_id"] for r in outbox_rows(queued) if r["email"] == "all@example.com"}
    assert message_ids == {digest["Message-ID"]}
    assert digest["Message-ID"].startswith("<") and digest["Message-ID"].endswith("@localhost>")


def test_nothing_new_means_no_mail(queued: Store, smtp: SmtpServer) -> None:
    subscribe(queued, "weekly@example.com", cadence=Cadence.WEEKLY)
    subscribe(queued, "thailand@example.com", jurisdictions=["TH"], min_severity=Severity.CRITICAL)
    queue_alerts(queued, RUN_ID)
    send(queued, smtp.url)
    before = len(smtp.mailbox.messages)

    again = send(queued, smtp.url, minutes=60)
    immediate = send(queued, smtp.url, cadence=Cadence.IMMEDIATE)

    assert before == 2  # all@ and florida@; thailand@ matched nothing, weekly@ waits for its cadence
    assert (again.messages, immediate.messages, len(smtp.mailbox.messages)) == (0, 0, 2)
    assert send(queued, smtp.url, cadence=Cadence.WEEKLY).messages == 1


def killed(monkeypatch: pytest.MonkeyPatch, where: str | None = None, on_call: int = 0) -> list[object]:
    """Make the send die like a killed process: at the `on_call`th call of digest.`where`, or where it
    would record the accepted messages as sent; nothing more is written to the store either way (an
    error, unlike a kill, would record what the server took on its way out)."""
    calls: list[object] = []

    def hook(*args, **kw):  # type: ignore[no-untyped-def]
        calls.append(args[0])
        if len(calls) == on_call:
            raise RuntimeError("worker killed")
        return real(*args, **kw)

    def no_more_writes(*args, **kw):  # type: ignore[no-untyped-def]
        raise RuntimeError("worker killed")

    if where is not None:
        real = getattr(digest, where)
        monkeypatch.setattr(digest, where, hook)
    monkeypatch.setattr(digest, "mark_sent", no_more_writes)
    return calls


def test_one_transaction_claims_a_batch_of_digests(
    queued: Store, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        subscribe(queued, f"reader{n}@example.com", jurisdictions=["US-LA"])
    queue_alerts(queued, RUN_ID)
    real = claim_batch
    batches: list[int] = []

    def counted(store, claims, *args, **kw):  # type: ignore[no-untyped-def]
        batches.append(len(claims))
        return real(store, claims, *args, **kw)

    monkeypatch.setattr(digest, "claim_batch", counted)
    monkeypatch.setattr(digest, "BATCH", 2)

    report = send(queued, smtp.url)

    assert (report.messages, batches) == (5, [2, 2, 1])  # one claim per batch, not per message
    assert {r["state"] for r in outbox_rows(queued)} == {"sent"}


def test_a_kill_after_the_smtp_transactions_resends_the_batch_under_the_same_message_ids(
    queued: Store, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both digests are claimed in one batch and handed to the server; the process dies before the
    # transaction that records them as sent. The whole batch is in doubt: both are resent, each under
    # its own Message-ID, so a mail store that holds the first copy drops the second.
    killed(monkeypatch)  # at the end of the send, recording both as sent
    with pytest.raises(RuntimeError, match="worker killed"):
        send(queued, smtp.url)
    monkeypatch.undo()
    assert {r["state"] for r in outbox_rows(queued)} == {"sending"}

    soon = send(queued, smtp.url, minutes=1)  # the crashed send may still be alive: its rows wait
    later = send(queued, smtp.url, minutes=11)  # now it is surely dead: resend under its Message-IDs

    assert (soon.messages, len(soon.held), later.messages, later.resent) == (0, 2, 2, 2)
    for address in ("all@example.com", "florida@example.com"):
        first, second = smtp.mailbox.to(address)
        assert first["Message-ID"] == second["Message-ID"]
    assert seen_by(smtp.mailbox, "all@example.com") == sorted(c.summary for c in CHANGES)
    assert seen_by(smtp.mailbox, "florida@example.com") == sorted(FLORIDA)
    assert {r["state"] for r in outbox_rows(queued)} == {"sent"}


def test_a_kill_leaves_at_most_one_batch_in_doubt(
    queued: Store, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        subscribe(queued, f"reader{n}@example.com", jurisdictions=["US-LA"])
    queue_alerts(queued, RUN_ID)
    monkeypatch.setattr(digest, "BATCH", 2)
    delivered = killed(monkeypatch, "_deliver", on_call=4)  # dies handing over the 2nd batch's 2nd digest
    with pytest.raises(RuntimeError, match="worker killed"):
        send(queued, smtp.url)
    monkeypatch.undo()

    doubt = {(r["email"], r["message_id"]) for r in outbox_rows(queued) if r["state"] == "sending"}
    sent = {r["email"] for r in outbox_rows(queued) if r["state"] == "sent"}
    assert len(doubt) == 2 and len(sent) == 2  # the first batch recorded in the second's claim; the second in doubt
    assert len(smtp.mailbox.messages) == 3 and len(delivered) == 4
    later = send(queued, smtp.url, minutes=11)

    assert (later.messages, later.resent) == (3, 2)  # the batch in doubt, then the fifth digest
    again = {(str(m["To"]), str(m["Message-ID"])) for m in smtp.mailbox.messages[3:]}
    assert doubt <= again  # under the Message-IDs they were claimed with
    assert {r["state"] for r in outbox_rows(queued)} == {"sent"}
    for address in ("all@example.com", "reader0@example.com", "reader1@example.com", "reader2@example.com"):
        assert len({m["Message-ID"] for m in smtp.mailbox.to(address)}) == 1


def test_an_error_mid_batch_records_what_the_server_took_and_resends_only_the_rest(
    queued: Store, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = compose
    calls: list[str] = []

    def fail_on_second(subscriber, *args):  # type: ignore[no-untyped-def]
        calls.append(subscriber.email)
        if len(calls) == 2:
            raise RuntimeError("template error on the second digest")
        return real(subscriber, *args)

    monkeypatch.setattr(digest, "compose", fail_on_second)
    with pytest.raises(RuntimeError):
        send(queued, smtp.url)
    monkeypatch.undo()
    send(queued, smtp.url, minutes=11)

    assert [len(smtp.mailbox.to(a)) for a in ("all@example.com", "florida@example.com")] == [1, 1]
    assert seen_by(smtp.mailbox, "all@example.com") == sorted(c.summary for c in CHANGES)
    assert seen_by(smtp.mailbox, "florida@example.com") == sorted(FLORIDA)


def test_a_refused_recipient_is_recorded_and_the_others_still_get_theirs(queued: Store, smtp: SmtpServer) -> None:
    smtp.mailbox.refuse.add("all@example.com")

    report = send(queued, smtp.url)
    retry = send(queued, smtp.url, minutes=60)

    assert len(smtp.mailbox.to("florida@example.com")) == 1
    assert smtp.mailbox.to("all@example.com") == []
    assert len(report.failed) == 1 and report.failed[0].startswith("all@example.com: all@example.com refused: 550")
    refused = [r for r in outbox_rows(queued) if r["email"] == "all@example.com"]
    assert {(r["state"], r["last_error"]) for r in refused} == {
        ("failed", "all@example.com refused: 550 5.1.1 <all@example.com>: mailbox unavailable")
    }
    assert (retry.messages, retry.failed) == (0, [])  # a permanent refusal is never retried


def test_a_temporary_refusal_is_retried_within_the_send_then_left_queued(queued: Store, smtp: SmtpServer) -> None:
    smtp.mailbox.defer = {"all@example.com": 1, "florida@example.com": 5}

    report = send(queued, smtp.url)  # two attempts each: all@ gets through on the second

    assert (report.messages, len(smtp.mailbox.to("all@example.com"))) == (1, 1)
    assert report.deferred == ["florida@example.com: florida@example.com refused: 451 4.3.0 try again later"]
    waiting = {(r["state"], r["attempts"]) for r in outbox_rows(queued) if r["email"] == "florida@example.com"}
    assert waiting == {("queued", 1)}
    smtp.mailbox.defer.clear()
    assert send(queued, smtp.url, minutes=60).messages == 1
    assert seen_by(smtp.mailbox, "florida@example.com") == sorted(FLORIDA)


def test_one_send_uses_one_smtp_connection_for_every_digest(queued: Store, smtp: SmtpServer) -> None:
    subscribe(queued, "texas@example.com", jurisdictions=["US-TX", "US-LA"])
    subscribe(queued, "thai@example.com", jurisdictions=["TH"])
    queue_alerts(queued, RUN_ID)

    report = send(queued, smtp.url)

    assert (report.messages, len(smtp.mailbox.messages)) == (4, 4)
    assert smtp.mailbox.connections == 1


def test_a_large_send_spreads_over_several_connections_and_each_subscriber_gets_one_digest(
    queued: Store, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    places = ["US-TX", "US-LA", "TH", "US-FL", "US-AL", "US-IN"]
    for n in range(12):
        subscribe(queued, f"reader{n}@example.com", jurisdictions=[places[n % len(places)]])
    queue_alerts(queued, RUN_ID)
    monkeypatch.setattr(digest, "SUBSCRIBERS_PER_SESSION", 2)  # what 200 subscribers a session do at scale
    monkeypatch.setattr(digest, "BATCH", 2)  # and batches of 50 among 10,000 subscribers
    monkeypatch.setenv("REGWATCH_SMTP_SESSIONS", "3")
    expected = {s.email for s in all_subscribers(queued, active_only=True)}
    smtp.mailbox.refuse.add("reader3@example.com")

    report = send(queued, smtp.url)

    delivered = [str(m["To"]) for m in smtp.mailbox.messages]
    assert smtp.mailbox.connections == 3
    assert sorted(delivered) == sorted(expected - {"reader3@example.com"})  # each once, none twice
    assert (report.messages, len(report.failed), report.deferred) == (len(expected) - 1, 1, [])
    assert {r["state"] for r in outbox_rows(queued) if r["email"] != "reader3@example.com"} == {"sent"}
    assert seen_by(smtp.mailbox, "all@example.com") == sorted(c.summary for c in CHANGES)
    assert send(queued, smtp.url, minutes=60).messages == 0


def test_a_refusal_keeps_the_connection_and_a_deferral_reconnects(queued: Store, smtp: SmtpServer) -> None:
    subscribe(queued, "thai@example.com", jurisdictions=["TH"])
    queue_alerts(queued, RUN_ID)
    smtp.mailbox.refuse.add("all@example.com")  # 550 then RSET: the same connection carries on
    smtp.mailbox.defer = {"florida@example.com": 1}  # 451: dropped, the retry opens a new connection

    report = send(queued, smtp.url)

    assert (report.messages, len(report.failed), report.deferred) == (2, 1, [])
    assert [str(m["To"]) for m in smtp.mailbox.messages] == ["florida@example.com", "thai@example.com"]
    assert smtp.mailbox.connections == 2  # all@ and florida@'s first try on one, the rest on the retry's


def test_a_server_restarted_between_two_digests_is_reconnected_to(queued: Store, smtp: SmtpServer) -> None:

    with SmtpSession(parse_smtp_url(smtp.url), NO_WAIT) as session:
        session.send(_plain("all@example.com"))
        smtp.stop()  # closes the open connection: the session finds out only when it next speaks
        smtp.start()
        session.send(_plain("florida@example.com"))
    assert [str(m["To"]) for m in smtp.mailbox.messages] == ["all@example.com", "florida@example.com"]
    assert (session.connections, smtp.mailbox.connections) == (2, 2)


def _plain(to: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "regwatch@localhost", to, "test"
    msg.set_content("hello")
    return msg


def test_a_server_down_then_back_loses_nothing(queued: Store) -> None:
    server = SmtpServer(Mailbox(), free_port())  # not started: connections are refused

    down = send(queued, server.url)
    assert (down.messages, len(down.deferred), down.ok) == (0, 2, False)
    assert "ConnectionRefusedError" in down.deferred[0]
    assert {(r["state"], r["message_id"]) for r in outbox_rows(queued)} == {("queued", None)}

    server.start()
    try:
        back = send(queued, server.url, minutes=60)
    finally:
        server.stop()
    assert (back.messages, back.ok) == (2, True)
    assert seen_by(server.mailbox, "all@example.com") == sorted(c.summary for c in CHANGES)
    assert len(server.mailbox.messages) == 2


def test_a_connection_lost_after_handing_over_resends_the_same_message(
    queued: Store, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:

    real = SmtpSession.send

    def deliver_then_drop(self, msg):  # type: ignore[no-untyped-def]
        real(self, msg)
        raise TransientFailure("connection reset after DATA", delivered_maybe=True)

    monkeypatch.setattr(SmtpSession, "send", deliver_then_drop)
    first = send(queued, smtp.url)
    monkeypatch.undo()
    second = send(queued, smtp.url, minutes=60)

    assert (len(first.deferred), second.messages, second.resent) == (2, 2, 2)
    assert len(smtp.mailbox.messages) == 4
    assert len({m["Message-ID"] for m in smtp.mailbox.messages}) == 2
    assert seen_by(smtp.mailbox, "florida@example.com") == sorted(FLORIDA)


def test_scraped_cr_lf_and_script_never_reach_a_header_and_are_escaped_in_html(
    sqlite_store: Store, published: Callable[..., str], smtp: SmtpServer
) -> None:
    hostile = change(
        "hostile",
        Severity.CRITICAL,
        "US-KY",
        Substance.KRATOM,
        summary="Kentucky bans kratom\r\nBcc: victim@example.com\n<script>alert(1)</script>\x00",
        evidence=["javascript:alert(2)", "https://example.org/ky"],
    )
    published([hostile])
    subscribe(sqlite_store, "all@example.com")
    queue_alerts(sqlite_store, RUN_ID)
    send(sqlite_store, smtp.url)

    [digest] = smtp.mailbox.messages
    [raw] = smtp.mailbox.raw
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert digest["Bcc"] is None and b"\nBcc:" not in headers and b"\x00" not in headers
    assert str(digest["Subject"]) == (
        "[regwatch] CRITICAL: Kentucky bans kratom Bcc: victim@example.com <script>alert(1)</script>"
    )
    html = digest.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html and '<a href="https://example.org/ky"' in html
    text = digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Kentucky bans kratom Bcc: victim@example.com <script>alert(1)</script>" in text


def test_without_smtp_each_digest_is_an_eml_file_in_the_runs_report_folder(queued: Store, tmp_path: Path) -> None:
    report = send(queued, None)

    folder = tmp_path / "reports" / RUN_ID / "outbox"
    assert report.transport == f"eml:{folder}"
    assert sorted(report.files) == sorted(folder.glob("*.eml")) and len(report.files) == 2
    parsed = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in report.files]
    assert sorted(str(m["To"]) for m in parsed) == ["all@example.com", "florida@example.com"]
    assert {r["state"] for r in outbox_rows(queued)} == {"sent"}
    assert send(queued, None, minutes=60).files == []


def test_passwords_never_appear_in_errors_or_logs(
    queued: Store, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "s3cret-Pa55"
    down = send(queued, f"smtp://mailer:{secret}@127.0.0.1:{free_port()}")
    # The loopback server offers no AUTH: logging in is a configuration error that stops the send.
    refused = send(queued, f"smtp://mailer:{secret}@127.0.0.1:{smtp.port}", minutes=60)

    assert refused.error is not None and "AUTH" in refused.error and refused.messages == 0
    everything = " ".join([down.transport, *down.deferred, refused.transport, refused.error, caplog.text])
    assert secret not in everything
    assert "smtp://mailer:***@127.0.0.1" in down.transport
    assert {r["state"] for r in outbox_rows(queued)} == {"queued"}
    assert all(secret not in (r["last_error"] or "") for r in outbox_rows(queued))
