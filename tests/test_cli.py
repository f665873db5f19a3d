"""The command-line contracts of README.md, and bad input that names the line and stores nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from regwatch.store import Store

GOOD = {
    "jurisdiction": "US-LA",
    "source": "openstates",
    "kind": "bill",
    "title": "Provides relative to kratom",
    "text": "it is unlawful for any person in Louisiana to knowingly or intentionally produce, manufacture, "
    "distribute, "
    "dispense or possess Kratom",
    "url": "https://legis.la.gov/sb154",
    "published": "2025-03-10",
    "identifier": "SB 154",
    "effective": "2025-08-01",
    "actions": [
        {"date": "2025-04-20", "description": "Passed Senate"},
        {"date": "2025-05-20", "description": "Passed House"},
        {"date": "2025-06-04", "description": "Signed by the Governor. Becomes Act No. 41."},
    ],
}


@pytest.fixture(autouse=True)
def _initialised_store() -> None:
    """The CLI refuses a store that was never created: each test's data folder gets one, as `regwatch init` makes."""
    Store.open(create=True).engine.dispose()


def regwatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "regwatch", *args], capture_output=True, text=True, check=False)


def jsonl(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def test_ingest_twice_changes_nothing(tmp_path: Path) -> None:
    file = jsonl(tmp_path / "n.jsonl", GOOD)
    assert "1 added" in regwatch("ingest", str(file)).stderr
    assert "0 added, 0 updated, 1 unchanged" in regwatch("ingest", str(file)).stderr


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ('{"jurisdiction": "US-LA", "source": ', "line 2: not valid JSON"),
        (
            {**GOOD, "jurisdiction": "US-XX", "identifier": "x"},
            "line 2: jurisdiction: 'US-XX' is not an ISO 3166-2 code",
        ),
        ({k: v for k, v in GOOD.items() if k != "title"} | {"identifier": "y"}, "line 2: title: Field required"),
        ({**GOOD, "published": "2025-02-30", "identifier": "z"}, "line 2: published:"),
        ({**GOOD, "colour": "red", "identifier": "w"}, "line 2: colour: Extra inputs are not permitted"),
    ],
)
def test_bad_input_names_the_line_and_stores_nothing(tmp_path: Path, bad_line: object, message: str) -> None:
    store = Store.open()
    store.ingest([])
    file = jsonl(tmp_path / "bad.jsonl", GOOD, bad_line)
    result = regwatch("ingest", str(file))
    assert result.returncode == 2
    assert message in result.stderr and "nothing was stored" in result.stderr
    assert "Traceback" not in result.stderr
    assert Store.open().count_notices() == 0


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = regwatch("ingest", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2 and "nope.jsonl: cannot be read" in result.stderr


def test_classify_prints_one_json_line_per_notice(tmp_path: Path) -> None:
    result = regwatch("classify", str(jsonl(tmp_path / "n.jsonl", GOOD)))
    [line] = result.stdout.splitlines()
    got = json.loads(line)
    assert set(got) == {
        "id",
        "measure",
        "substances",
        "stage",
        "effective",
        "confidence",
        "rule",
        "provisions",
        "language",
        "review",
    }
    assert (got["measure"], got["substances"], got["stage"], got["effective"]) == (
        "ban",
        ["kratom"],
        "effective",
        "2025-08-01",
    )
    assert got["rule"].startswith("criminalise-kratom")


def test_status_json_contract(tmp_path: Path) -> None:
    regwatch("ingest", str(jsonl(tmp_path / "n.jsonl", GOOD)))
    rows = json.loads(regwatch("status", "--as-of", "2025-06-10", "--format", "json").stdout)
    kratom = next(r for r in rows if r["substance"] == "kratom")
    assert set(kratom) == {
        "jurisdiction",
        "substance",
        "status",
        "since",
        "pending",
        "scheduled",
        "evidence",
        "last_verified",
        "reliability",
        "detail",
        "review",
        # added beside the contract's keys (never in their place): the deciding notice and how people name it
        "notice",
        "identifier",
        "instrument",
        "url",
    }
    assert kratom["scheduled"] == [
        {"status": "banned", "effective": "2025-08-01", "notice": kratom["scheduled"][0]["notice"]}
    ]
    csv_out = regwatch("status", "--as-of", "2025-08-01", "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("jurisdiction,substance,status,since")
    assert "US-LA,kratom,banned,2025-08-01" in csv_out


def test_bad_as_of_date(tmp_path: Path) -> None:
    result = regwatch("status", "--as-of", "2025-13-01")
    assert result.returncode == 2 and "--as-of '2025-13-01' is not a date" in result.stderr


def test_run_at_two_dates_reports_changes_and_writes_reports(tmp_path: Path) -> None:
    regwatch("ingest", str(jsonl(tmp_path / "n.jsonl", GOOD)))
    first = regwatch("run", "--as-of", "2025-01-01", "--no-crawl")
    second = regwatch("run", "--as-of", "2025-08-02", "--no-crawl")
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    changes = json.loads(regwatch("changes", "--format", "json").stdout)
    la = [c for c in changes if c["jurisdiction"] == "US-LA" and c["kind"] == "status_changed"]
    # One event (Act 41 of 2025) moves three substances: one change. The baseline (loaded by `run`) knew
    # Louisiana had no kratom law before it, so they were legal.
    assert [(c["substances"], c["old_status"], c["new_status"], c["severity"]) for c in la] == [
        (["kratom", "7-oh", "synthetic"], "legal", "banned", "critical"),
    ]
    assert json.loads(regwatch("changes", "--run", "2025-01-01", "--format", "json").stdout) == []
    reports = Path(__import__("os").environ["REGWATCH_REPORTS_DIR"])
    for name in ("report.md", "index.html", "status.csv", "status.json", "changes.json"):
        assert (reports / "2025-08-02" / name).is_file() and (reports / "latest" / name).is_file()


def test_changes_with_no_run_is_a_clear_error() -> None:
    result = regwatch("changes", "--format", "json")
    assert result.returncode == 2 and "no run in the store yet" in result.stderr


def test_schema_notice_is_json_schema() -> None:
    schema = json.loads(regwatch("schema", "notice").stdout)
    assert set(schema["required"]) == {"jurisdiction", "source", "kind", "title", "published"}
    assert schema["additionalProperties"] is False
