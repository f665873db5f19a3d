"""The bearer token guards the review endpoints (and every read when REGWATCH_API_PUBLIC=false); a signed
token unsubscribes its own subscriber and nobody else; scraped titles stay text in served pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from lxml import html

from regwatch.notify.subscribers import all_subscribers, make_subscriber, upsert
from regwatch.notify.unsubscribe import token_for
from regwatch.store import Store
from tests.serve.serve_sample import SECOND, TOKEN, XSS

AUTH = {"Authorization": f"Bearer {TOKEN}"}
DECISION = {"provisions": ["regulate:kratom", "restrict:7-oh"], "by": "analyst", "reason": "read the enrolled text"}


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("REGWATCH_API_TOKEN", TOKEN)
    return TOKEN


def test_review_is_closed_without_a_configured_token(client: TestClient) -> None:
    got = client.get("/api/review", headers=AUTH)
    assert got.status_code == 403 and "REGWATCH_API_TOKEN" in got.json()["detail"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}])
def test_review_refuses_a_missing_or_wrong_token(client: TestClient, token: str, headers: dict[str, str]) -> None:
    for method, url, body in [
        ("GET", "/api/review", None),
        ("GET", "/api/review/log", None),
        ("POST", "/api/review/openstates:tx-sb-3/decide", DECISION),
        ("POST", "/api/review/openstates:tx-sb-3/undo", {"by": "x", "reason": "y"}),
    ]:
        got = client.request(method, url, json=body, headers=headers)
        assert got.status_code == 401, (url, got.text)
        assert got.headers["www-authenticate"] == "Bearer"


def test_review_with_the_token_is_the_review_command(client: TestClient, store: Store, token: str) -> None:
    queue = client.get("/api/review", headers=AUTH)
    assert queue.status_code == 200 and isinstance(queue.json(), list)
    before = client.get("/api/status", params={"as_of": SECOND.isoformat(), "jurisdiction": "US-TX"}).json()
    assert {r["status"] for r in before} == {"restricted", "regulated"}
    decided = client.post(
        "/api/review/openstates:tx-sb-3/decide",
        json={**DECISION, "stage": "enacted", "effective": "2025-11-01"},
        headers=AUTH,
    )
    assert decided.status_code == 201, decided.text
    assert [p["measure"] for p in decided.json()["after"]] == ["regulate", "restrict"]
    log = client.get("/api/review/log", headers=AUTH).json()
    assert log[-1]["notice"] == "openstates:tx-sb-3" and log[-1]["by"] == "analyst"
    assert store.decisions()[-1].reason == "read the enrolled text"  # the same store the CLI reads
    undone = client.post("/api/review/openstates:tx-sb-3/undo", json={"by": "analyst", "reason": "oops"}, headers=AUTH)
    assert undone.status_code == 201 and undone.json()["before"] == decided.json()["after"]
    missing = client.post("/api/review/no-such-notice/decide", json=DECISION, headers=AUTH)
    assert missing.status_code == 404 and "no-such-notice" in missing.json()["detail"]
    bad = client.post(
        "/api/review/openstates:tx-sb-3/decide", json={**DECISION, "provisions": ["outlaw:kratom"]}, headers=AUTH
    )
    assert bad.status_code == 422 and "outlaw" in bad.json()["detail"]


def test_reads_can_be_put_behind_the_token(client: TestClient, token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.get("/api/status", params={"as_of": SECOND.isoformat()}).status_code == 200
    monkeypatch.setenv("REGWATCH_API_PUBLIC", "false")
    for url in ("/api/status", "/api/changes", "/api/matrix", "/api/jurisdictions/US-TX", "/"):
        assert client.get(url).status_code == 401, url
    assert client.get("/api/status", params={"as_of": SECOND.isoformat()}, headers=AUTH).status_code == 200
    assert client.get("/unsubscribe", params={"token": "x"}).status_code == 404  # a mail link needs no login


@pytest.fixture
def subscribed(store: Store, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.setenv("REGWATCH_UNSUBSCRIBE_SECRET", "an-hmac-key-for-tests")
    upsert(store, [make_subscriber(email="alice@example.org"), make_subscriber(email="bob@example.org")])
    subs = {s.email: s for s in all_subscribers(store)}
    return token_for(subs["alice@example.org"]), token_for(subs["bob@example.org"])


def active(store: Store) -> dict[str, bool]:
    return {s.email: s.active for s in all_subscribers(store)}


def test_one_click_unsubscribe_only_unsubscribes_its_owner(
    client: TestClient, store: Store, subscribed: tuple[str, str]
) -> None:
    alice, bob = subscribed
    assert alice.startswith("s1.") and alice != bob
    page = client.get("/unsubscribe", params={"token": alice})  # a GET only asks (link scanners follow links)
    assert page.status_code == 200 and "alice@example.org" in page.text and active(store)["alice@example.org"]
    form = html.fromstring(page.text).forms[0]
    assert form.method.upper() == "POST" and "List-Unsubscribe" in form.fields
    # Bob's id with Alice's signature, a cut signature, another secret's signature: refused, nobody touched.
    sub_id, mac = bob.split(".")[1], alice.split(".")[2]
    for forged in (f"s1.{sub_id}.{mac}", alice[:-4], "s1.1.AAAA", "", "s1..", "s1.99999999999999.x"):
        got = client.post("/unsubscribe", params={"token": forged}, data={"List-Unsubscribe": "One-Click"})
        assert got.status_code == 404, forged
    assert active(store) == {"alice@example.org": True, "bob@example.org": True}
    done = client.post("/unsubscribe", params={"token": alice}, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no more alerts" in done.text
    assert active(store) == {"alice@example.org": False, "bob@example.org": True}
    again = client.post("/unsubscribe", params={"token": alice}, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200  # idempotent: a mail client may retry


def test_without_the_secret_signed_tokens_are_refused(
    client: TestClient, store: Store, subscribed: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, _ = subscribed
    monkeypatch.setenv("REGWATCH_UNSUBSCRIBE_SECRET", "another-key")
    assert client.post("/unsubscribe", params={"token": alice}).status_code == 404


def test_scraped_titles_stay_text_in_served_pages(client: TestClient) -> None:
    for url in ("/", "/jurisdictions/US-TX"):
        page = client.get(url, params={"as_of": SECOND.isoformat()})
        assert page.status_code == 200
        assert XSS not in page.text and "<script>alert" not in page.text
        tree = html.fromstring(page.text)
        assert all(s.get("src", "").endswith("/static/app.js") for s in tree.iter("script")), url
        assert not tree.xpath("//img[@onerror]")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"
    timeline = html.fromstring(client.get("/jurisdictions/US-TX", params={"as_of": SECOND.isoformat()}).text)
    assert any(XSS in h.text_content() for h in timeline.iter("h3"))  # shown, as text


def test_pages_link_into_the_server_on_the_date_shown(client: TestClient) -> None:
    page = client.get("/", params={"as_of": SECOND.isoformat(), "substance": "7-oh"})
    tree = html.fromstring(page.text)
    hrefs = [href for a in tree.iter("a") if (href := a.get("href"))]
    assert f"/jurisdictions/US-TX?as_of={SECOND.isoformat()}" in hrefs
    assert not [h for h in hrefs if re.match(r"^(j/|\.\./|status\.csv)", h)]  # no report-folder links
    assert len(tree.xpath("//svg[contains(@class,'tilemap')]")) == 1  # the 7-OH map only
    assert tree.xpath("//select[@name='substance']/option[@selected]/@value") == ["7-oh"]
    assert tree.xpath("//input[@name='as_of']/@value") == [SECOND.isoformat()]
