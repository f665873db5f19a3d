"""A user's mistake and a fault around the command line get one clear line and a non-zero exit, never a
traceback: usage errors, untrusted text, unknown jurisdictions, store and disk faults, refused mail."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from reliability_helpers import DAY1, DAY2, NEW, free_port

from regwatch import cli
from regwatch.domain.models import SourceHealth
from regwatch.notify.subscribers import make_subscriber, upsert
from regwatch.pipeline import steps
from regwatch.pipeline.steps import load_baseline, run_pipeline
from regwatch.store import Store


def regwatch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m regwatch ARGS` as a user runs it (the environment is the test's, plus `env`)."""
    extra = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "regwatch", *args], capture_output=True, text=True, check=False, env=extra
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a failed command printed on stderr (fails the test on a traceback or several lines)."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


# 8. Usage errors --------------------------------------------------------------------------------------


USAGE_ERRORS = [  # (arguments, words the error line must name)
    (["status", "--format", "xml"], ["--format", "xml"]),
    (["changes", "--format", "yaml"], ["--format", "yaml"]),
    (["digest", "send", "--cadence", "hourly"], ["--cadence", "hourly"]),
    (["schema", "foo"], ["foo"]),
    (["--bogus"], ["--bogus"]),
    (["status", "--bogus"], ["--bogus"]),
    (["ingest"], ["file"]),
    (["digest", "send"], ["--cadence"]),
    (["frobnicate"], ["frobnicate"]),
]


@pytest.mark.parametrize(("args", "named"), USAGE_ERRORS, ids=[" ".join(args) for args, _ in USAGE_ERRORS])
def test_a_usage_error_is_one_line_and_exit_2(args: list[str], named: list[str]) -> None:
    result = regwatch(*args)
    line = one_error_line(result)
    assert result.returncode == 2
    for word in named:
        assert word in line


def test_no_arguments_prints_the_help_not_a_traceback() -> None:
    result = regwatch()
    assert "Traceback" not in result.stderr
    assert "Usage:" in result.stdout + result.stderr and "status" in result.stdout + result.stderr


# 9. Untrusted text is printed as it is, never read as Rich markup -------------------------------------

MARKUP = "[/x] Kratom [bold]ban[/bold] :smile:"


def notice(**fields: object) -> dict[str, object]:
    """A stored-notice line for `regwatch ingest`: a Louisiana kratom ban signed and in force."""
    return {
        "jurisdiction": "US-LA",
        "source": "openstates",
        "kind": "bill",
        "title": "Provides relative to kratom",
        "text": "it is unlawful for any person to knowingly or intentionally produce, distribute or possess Kratom",
        "url": "https://legis.la.gov/sb154",
        "published": "2025-03-10",
        "identifier": "SB 154",
        "effective": "2025-08-01",
        "actions": [{"date": "2025-06-04", "description": "Signed by the Governor. Becomes Act No. 41."}],
        **fields,
    }


def ingest(tmp_path: Path, *notices: dict[str, object]) -> None:
    file = tmp_path / "notices.jsonl"
    file.write_text("".join(json.dumps(n) + "\n" for n in notices), encoding="utf-8")
    done = regwatch("ingest", str(file))
    assert done.returncode == 0, done.stderr


def main_with(argv: list[str]) -> int:
    """regwatch.cli.main() in this process with `argv` (for faults put in with monkeypatch); its exit code."""
    sys.argv = ["regwatch", *argv]
    try:
        cli.main()
    except SystemExit as exited:
        return int(exited.code or 0)
    return 0


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["status", "--as-of", "[/red]"], "--as-of '[/red]' is not a date"),
        (["subscribers", "add", "[/a]@example.com"], "[/a]@example.com"),
        (["changes", "--run", "[/b]"], "no run '[/b]'"),
    ],
    ids=["as-of", "subscriber", "run id"],
)
def test_untrusted_text_in_an_error_is_printed_verbatim(args: list[str], shown: str) -> None:
    result = regwatch(*args)
    assert result.returncode == 2
    assert shown in one_error_line(result)


def test_a_scraped_title_is_printed_verbatim_in_the_changes_table(tmp_path: Path) -> None:
    introduced = [{"date": "2025-07-01", "description": "Introduced"}]  # a pending bill: its change names the title
    ingest(tmp_path, notice(title=MARKUP, published="2025-07-01", effective=None, actions=introduced))
    assert regwatch("run", "--no-baseline", "--no-crawl", "--as-of", "2025-01-01").returncode == 0
    assert regwatch("run", "--no-baseline", "--no-crawl", "--as-of", "2025-08-02").returncode == 0
    result = regwatch("changes", "--format", "table", env={"COLUMNS": "400"})  # one line per change
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "[/x] Kratom [bold]ban[/bold] :smile:" in result.stdout


def test_a_scraped_title_in_a_broken_source_is_printed_verbatim_in_the_run_summary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = SourceHealth(source="openstates", ok=False, message=f"layout changed on page {MARKUP!r}")
    monkeypatch.setattr(steps, "crawl_sources", lambda *a, **k: [broken])
    code = main_with(["run", "--no-baseline", "--as-of", "2025-08-02"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert f"source openstates broken: layout changed on page {MARKUP!r}" in err


# 11. changes --format csv ------------------------------------------------------------------------------


def test_changes_as_csv_is_csv(tmp_path: Path) -> None:
    ingest(tmp_path, notice())
    assert regwatch("run", "--no-baseline", "--no-crawl", "--as-of", "2025-01-01").returncode == 0
    assert regwatch("run", "--no-baseline", "--no-crawl", "--as-of", "2025-08-02").returncode == 0
    expected = json.loads(regwatch("changes", "--format", "json").stdout)
    result = regwatch("changes", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(expected) == 3
    assert [(r["id"], r["severity"], r["kind"], r["jurisdiction"], r["substance"], r["summary"]) for r in rows] == [
        (c["id"], c["severity"], c["kind"], c["jurisdiction"], c["substance"], c["summary"]) for c in expected
    ]
    assert {(r["old_status"], r["new_status"], r["effective"]) for r in rows} == {("unknown", "banned", "2025-08-01")}
    assert [r["evidence"] for r in rows] == [" ".join(c["evidence"]) for c in expected]
    assert "https://legis.la.gov/sb154" in rows[0]["evidence"]


# 12. digest send's exit code ---------------------------------------------------------------------------


class Refusing:
    """An aiosmtpd handler refusing every recipient for good (550), as a relay does for unknown mailboxes."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        return f"550 5.1.1 <{address}>: mailbox unavailable"


def published_day_two(tmp_path: Path, subscribers: list[str]) -> str:
    """A SQLite store with subscribers and day two's alerts queued; its URL."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    store = Store.open(url)
    load_baseline(store)
    upsert(store, [make_subscriber(email=e) for e in subscribers])
    run_pipeline(store, DAY1, reports_dir=tmp_path / "reports")
    store.ingest(NEW)
    run_pipeline(store, DAY2, reports_dir=tmp_path / "reports")
    store.engine.dispose()
    return url


def test_digest_send_fails_when_the_server_refuses_every_message(tmp_path: Path) -> None:
    url = published_day_two(tmp_path, ["a@example.com", "b@example.com"])
    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {"REGWATCH_DATABASE_URL": url, "REGWATCH_SMTP_URL": f"smtp://127.0.0.1:{port}"}
        result = regwatch("digest", "send", "--cadence", "daily", "--now", "2026-09-02T07:00:00Z", env=env)
    finally:
        controller.stop()
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert "0 sent" in result.stderr and "2 refused" in result.stderr
    assert "refused: a@example.com: " in result.stderr and "refused: b@example.com: " in result.stderr


def test_digest_send_fails_when_the_server_is_down(tmp_path: Path) -> None:
    url = published_day_two(tmp_path, ["a@example.com"])
    env = {"REGWATCH_DATABASE_URL": url, "REGWATCH_SMTP_URL": f"smtp://127.0.0.1:{free_port()}"}
    result = regwatch("digest", "send", "--cadence", "daily", "--now", "2026-09-02T07:00:00Z", env=env)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert "1 deferred" in result.stderr


# 10. status --jurisdiction: unknown codes are errors, names and lower case are read ---------------------


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("US-XX", ["'US-XX'"]),
        ("Alabamma", ["'Alabamma'", "Alabama (US-AL)"]),  # a misspelt name: the closest names are suggested
        ("Georgia", ["'Georgia'", "GE", "US-GA"]),  # a name of two jurisdictions: both codes, to choose from
        ("[/x]", ["'[/x]'"]),
    ],
)
def test_status_for_an_unknown_jurisdiction_is_an_error_naming_it(given: str, shown: list[str]) -> None:
    result = regwatch("status", "--as-of", "2025-08-02", "--format", "json", "--jurisdiction", "US-LA",
                      "--jurisdiction", given)  # fmt: skip
    line = one_error_line(result)
    assert result.returncode == 2 and result.stdout == ""
    assert "--jurisdiction" in line
    for text in shown:
        assert text in line


@pytest.mark.parametrize("given", ["US-LA", "us-la", "Louisiana", "louisiana", " Louisiana "])
def test_status_reads_a_jurisdiction_by_code_in_any_case_or_by_name(tmp_path: Path, given: str) -> None:
    ingest(tmp_path, notice())
    result = regwatch("status", "--as-of", "2025-08-02", "--format", "json", "--jurisdiction", given)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {(r["jurisdiction"], r["substance"], r["status"]) for r in rows} == {
        ("US-LA", "kratom", "banned"),
        ("US-LA", "7-oh", "banned"),
        ("US-LA", "synthetic", "banned"),
    }
