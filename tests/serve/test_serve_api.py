"""The API against the command line on the same store (the same rows, the same changes), the matrix, the
jurisdiction view, and bad parameters: 4xx naming the parameter, never a 500."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from tests.serve.serve_sample import FIRST, SECOND


def cli(store_url: str, *args: str) -> str:
    env = {**os.environ, "REGWATCH_DATABASE_URL": store_url}
    done = subprocess.run(
        [sys.executable, "-m", "regwatch", *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def test_status_is_the_cli_status(client: TestClient, store_url: str) -> None:
    for day in (FIRST, SECOND):
        expected = json.loads(cli(store_url, "status", "--as-of", day.isoformat(), "--format", "json"))
        got = client.get("/api/status", params={"as_of": day.isoformat()})
        assert got.status_code == 200
        assert got.json() == expected
        assert len(expected) > 300  # the baseline's every state, DC, PR, federal and nations, three substances


def test_status_filters_are_the_cli_filters(client: TestClient, store_url: str) -> None:
    day = SECOND.isoformat()
    expected = json.loads(cli(store_url, "status", "--as-of", day, "--format", "json", "--jurisdiction", "Texas"))
    assert client.get("/api/status", params={"as_of": day, "jurisdiction": "Texas"}).json() == expected
    assert client.get("/api/status", params={"as_of": day, "jurisdiction": "us-tx"}).json() == expected
    only = client.get("/api/status", params={"as_of": day, "jurisdiction": "US-TX", "substance": "7-oh"}).json()
    assert only == [r for r in expected if r["substance"] == "7-oh"]
    tx = {r["substance"]: r for r in expected}
    assert tx["kratom"]["pending"] and tx["kratom"]["pending"][0]["notice"] == "openstates:tx-sb-3"


def test_changes_are_the_cli_changes(client: TestClient, store_url: str) -> None:
    latest = json.loads(cli(store_url, "changes", "--format", "json"))
    assert latest and client.get("/api/changes").json() == latest
    first = json.loads(cli(store_url, "changes", "--run", FIRST.isoformat(), "--format", "json"))
    assert client.get("/api/changes", params={"run": FIRST.isoformat()}).json() == first
    every = client.get("/api/changes", params={"since": FIRST.isoformat()}).json()
    assert every == latest + first  # newest run first
    assert client.get("/api/changes", params={"since": "2030-01-01"}).json() == []
    assert any(c["jurisdiction"] == "US-FL" and "7-oh" in c["substances"] for c in latest)


def test_jurisdiction_has_rows_explained_timeline_and_pending(client: TestClient, store_url: str) -> None:
    got = client.get("/api/jurisdictions/US-TX", params={"as_of": SECOND.isoformat()})
    assert got.status_code == 200
    body = got.json()
    expected = json.loads(cli(store_url, "status", "--as-of", SECOND.isoformat(), "--jurisdiction", "US-TX"))
    assert [{k: v for k, v in r.items() if k != "explanation"} for r in body["rows"]] == expected
    said = cli(store_url, "explain", "US-TX", "--as-of", SECOND.isoformat())
    for row in body["rows"]:
        assert f"- {row['substance']}: {row['explanation']}" in said  # the words of `regwatch explain`
    assert body["name"] == "Texas" and body["parent"] == "US"
    bill = next(e for e in body["timeline"] if e["notice"] == "openstates:tx-sb-3")
    assert bill["sources"] == ["https://capitol.texas.gov/BillLookup/History.aspx?LegSess=89R&Bill=SB3"]
    assert [h["stage"] for h in bill["history"]][-1] == "passed_chamber"
    assert {p["notice"] for p in body["pending"]} == {"openstates:tx-sb-3"}
    locality = client.get("/api/jurisdictions/US-CA:san-diego", params={"as_of": SECOND.isoformat()})
    assert locality.status_code == 200 and locality.json()["parent"] == "US-CA"


def test_matrix_answers_may_we_sell(client: TestClient) -> None:
    lines = client.get("/api/matrix", params={"as_of": SECOND.isoformat(), "substance": "7-oh"}).json()
    by_place = {line["jurisdiction"]: line for line in lines}
    tx = by_place["US-TX"]  # SB 497 (Texas Kratom Consumer Protection Act): 7-OH capped at 2% of the alkaloids
    assert (tx["status"], tx["sell"]) == ("restricted", "conditional")
    assert tx["caps"] == ["7-OH <= 2% of the alkaloid fraction"] and tx["evidence"] and tx["since"] == "2023-09-01"
    leaf = {
        line["jurisdiction"]: line for line in client.get("/api/matrix", params={"as_of": SECOND.isoformat()}).json()
    }
    assert (leaf["US-FL"]["sell"], leaf["US-FL"]["min_age"]) == ("conditional", 21)  # Florida's act: 21+
    assert leaf["US-FL"]["caps"]  # its 7-OH cap binds kratom sellers too
    assert {line["sell"] for line in leaf.values()} <= {"yes", "conditional", "no", "unknown"}
    assert any(line["sell"] == "no" for line in leaf.values())  # a state that bans kratom
    status = {
        r["jurisdiction"]: r
        for r in client.get("/api/status", params={"as_of": SECOND.isoformat(), "substance": "7-oh"}).json()
    }
    for code, line in by_place.items():  # status, since, evidence and reliability are the status row's
        row = status[code]
        assert (line["status"], line["since"], line["evidence"], line["reliability"]) == (
            row["status"], row["since"], row["evidence"], row["reliability"]
        )  # fmt: skip
    as_csv = client.get("/api/matrix", params={"as_of": SECOND.isoformat(), "substance": "7-oh", "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    parsed = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["jurisdiction"] for r in parsed] == [line["jurisdiction"] for line in lines]
    assert parsed[0]["sell"] == lines[0]["sell"]


@pytest.mark.parametrize(
    ("url", "status", "named"),
    [
        ("/api/status?as_of=2025-02-30", 422, "as_of"),
        ("/api/status?as_of=2025-13-01", 422, "as_of"),
        ("/api/status?as_of=yesterday", 422, "as_of"),
        ("/api/status?as_of=1700000000", 422, "as_of"),
        ("/api/status?jurisdiction=US-XX", 404, "jurisdiction"),
        ("/api/status?jurisdiction=Atlantis", 404, "jurisdiction"),
        ("/api/status?substance=heroin", 422, "substance"),
        ("/api/changes?run=1999-01-01", 404, "run"),
        ("/api/changes?since=2025-02-29", 422, "since"),
        ("/api/changes?run=2025-06-01&since=2025-01-01", 422, "since"),
        ("/api/jurisdictions/US-XX", 404, "code"),
        ("/api/jurisdictions/US-TX?as_of=2025-04-31", 422, "as_of"),
        ("/api/matrix?substance=7oh", 422, "substance"),
        ("/api/matrix?format=xml", 422, "format"),
        ("/jurisdictions/ZZ", 404, "code"),
        ("/?as_of=2025-02-30", 422, "as_of"),
        ("/?substance=heroin", 422, "substance"),
    ],
)
def test_bad_parameters_get_a_4xx_naming_them(client: TestClient, url: str, status: int, named: str) -> None:
    got = client.get(url)
    assert got.status_code == status, got.text
    text = got.json()["detail"] if url.startswith("/api/") else got.text
    assert named in text


def test_openapi_and_docs_are_served_without_a_cdn(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/status", "/api/changes", "/api/jurisdictions/{code}", "/api/matrix"} <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text.lower()
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200
    assert "script-src 'self'" in docs.headers["content-security-policy"]
