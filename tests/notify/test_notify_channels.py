"""Chat and webhook channels (apprise URLs as subscribers): validation, the same filters, and a JSON webhook on
loopback receiving each digest exactly once across a retry, with the signed one-click unsubscribe in it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from regwatch.domain.vocab import Cadence, Substance
from regwatch.notify import RetryPolicy, queue_alerts, send_digests
from regwatch.notify.channels import MESSAGE_ID_HEADER, label
from regwatch.notify.outbox import outbox_rows
from regwatch.notify.subscribers import BadSubscriber, all_subscribers, make_subscriber
from regwatch.notify.unsubscribe import subscriber_for, token_for
from regwatch.store import Store
from tests.notify.alerts_helpers import CHANGES, NOW, publish, subscribe

NO_WAIT = RetryPolicy(attempts=3, wait=0)


@dataclass
class Receiver:
    """A loopback webhook: answers `fail` requests with 503 first, then 200; records every request."""

    fail: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["status"] == 200]


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, int]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = 503 if state.fail > 0 else 200
            state.fail -= status == 503
            state.requests.append(
                {"status": status, "path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
            )
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def store(tmp_path: Any) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 's.sqlite'}", create=True)
    yield opened
    opened.engine.dispose()


@pytest.mark.parametrize(
    "url",
    [
        "json://127.0.0.1:8080/hook",
        "jsons://hooks.example.org/regwatch",
        "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#compliance",
        "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ",
        "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
        "matrixs://bot:secret@matrix.example.org/#compliance",
    ],
)
def test_a_channel_url_is_a_subscriber_address(url: str) -> None:
    assert make_subscriber(email=url).email == url


@pytest.mark.parametrize("url", ["mailto://user:pw@example.org", "nope://x", "https://example.org/not-a-hook"])
def test_other_urls_are_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(BadSubscriber) as caught:
        make_subscriber(email=url)
    assert "pw@" not in str(caught.value)


def test_labels_hide_webhook_tokens() -> None:
    shown = label("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#compliance")
    assert "TIiajkdnlazkcOXrIdevi7FQ" not in shown and shown.startswith("slack://")
    assert "secret" not in label("matrixs://bot:secret@matrix.example.org/#compliance")


def test_webhook_gets_each_digest_once_across_a_retry(
    store: Store, receiver: tuple[Receiver, int], tmp_path: Path
) -> None:
    tmp = tmp_path / "eml"
    state, port = receiver
    url = f"json://127.0.0.1:{port}/hook"
    subscribe(store, url, cadence="immediate", substances=["7-oh"])  # the same filters as email
    subscribe(store, "analyst@example.org", cadence="immediate", jurisdictions=["US-LA"])
    queue_alerts(store, publish(store, CHANGES))

    # Every attempt of the first send fails: the rows stay queued under their Message-ID.
    state.fail = NO_WAIT.attempts
    first = send_digests(store, Cadence.IMMEDIATE, now=NOW, retry=NO_WAIT, eml_dir=tmp)
    assert len(first.deferred) == 1 and "127.0.0.1" in first.deferred[0] and len(state.requests) == 3
    assert state.accepted == []

    # The next send: one 503, then accepted; the same Message-ID as the attempts before.
    state.fail = 1
    second = send_digests(store, Cadence.IMMEDIATE, now=NOW, retry=NO_WAIT, eml_dir=tmp)
    assert second.ok and second.resent == 1
    assert len(state.accepted) == 1
    ids = {r["headers"][MESSAGE_ID_HEADER] for r in state.requests}
    assert len(ids) == 1  # one message, repeated under one id: a receiver can drop repeats by it
    payload = state.accepted[0]["json"]
    assert payload["title"].startswith("[regwatch] ")
    # The filters hold as for email: a 7-OH subscriber hears of Florida's 7-OH bill, not of Louisiana's kratom ban.
    assert "Florida" in payload["message"] and "Louisiana" not in payload["message"]

    # Nothing more to send: exactly once.
    third = send_digests(store, Cadence.IMMEDIATE, now=NOW, retry=NO_WAIT, eml_dir=tmp)
    assert third.messages == 0 and len(state.accepted) == 1
    mine = [r for r in outbox_rows(store) if r["email"] == url]
    assert mine and {r["state"] for r in mine} == {"sent"}


def test_channel_digest_carries_a_signed_unsubscribe_link(
    store: Store, receiver: tuple[Receiver, int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tmp = tmp_path / "eml"
    monkeypatch.setenv("REGWATCH_UNSUBSCRIBE_SECRET", "s3cret-for-tests")
    monkeypatch.setenv("REGWATCH_UNSUBSCRIBE_URL", "https://regwatch.example.org/unsubscribe")
    state, port = receiver
    url = f"json://127.0.0.1:{port}/hook"
    subscribe(store, url, cadence="immediate", substances=[Substance.KRATOM.value])
    queue_alerts(store, publish(store, CHANGES))
    send_digests(store, Cadence.IMMEDIATE, now=NOW, retry=NO_WAIT, eml_dir=tmp)
    (sub,) = all_subscribers(store)
    token = token_for(sub)
    assert token.startswith("s1.") and token != sub.token
    assert f"https://regwatch.example.org/unsubscribe?token={token}" in state.accepted[0]["json"]["message"]
    found = subscriber_for(store, token)
    assert found is not None and found.email == url
