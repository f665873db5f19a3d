"""A user's mistake and a fault around the command line get one clear line and a non-zero exit, never a
traceback: usage errors, untrusted text, unknown jurisdictions, store and disk faults, refused mail."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, text

from regwatch import cli
from regwatch.domain.models import SourceHealth
from regwatch.notify.subscribers import make_subscriber, upsert
from regwatch.pipeline import steps
from regwatch.pipeline.steps import load_baseline, run_pipeline
from regwatch.reports import writer
from regwatch.store import Store
from tests.reliability.reliability_helpers import DAY1, DAY2, NEW, Snapshot, free_port, snapshot


@pytest.fixture(autouse=True)
def _store_initialised() -> None:
    """The deployment's `regwatch init`: these tests drive commands against a store that exists."""
    Store.open(create=True).engine.dispose()


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
    saved, sys.argv = sys.argv, ["regwatch", *argv]
    try:
        cli.main()
    except SystemExit as exited:
        return int(exited.code or 0)
    finally:
        sys.argv = saved
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
    assert len(rows) == len(expected) == 1  # one event (Louisiana's ban) moves three substances: one change
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
    store = Store.open(url, create=True)
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
    for words in shown:
        assert words in line


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


# 14. Store, disk and SMTP faults: one line naming what failed, nothing stored lost ------------------------


def test_a_read_only_sqlite_store_is_one_line_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    published_day_two(tmp_path, ["ops@example.com"])
    before = snapshot_at(f"sqlite:///{path}")
    env = {"REGWATCH_DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true"}
    for args in (["ingest", str(notices_file(tmp_path))], ["run", "--no-crawl", "--as-of", "2026-09-03"]):
        result = regwatch(*args, env=env)
        line = one_error_line(result)
        assert result.returncode == 3
        assert f"the store at sqlite:///file:{path}" in line and "readonly database" in line
    assert snapshot_at(f"sqlite:///{path}") == before


def test_a_full_data_disk_is_one_line_naming_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = published_day_two(tmp_path, ["ops@example.com"])
    monkeypatch.setenv("REGWATCH_DATABASE_URL", url)
    before = snapshot_at(url)
    real_open = Store.open

    def full(url: str | None = None) -> Store:  # SQLite's own "database or disk is full", at the current size
        store = real_open(url)
        event.listen(store.engine, "connect", lambda conn, _: conn.execute("PRAGMA max_page_count = 1"))
        store.engine.dispose()
        return store

    monkeypatch.setattr(Store, "open", full)
    many = [notice(id=f"n{i}", identifier=f"SB {i}", text="x" * 5000) for i in range(50)]
    code = main_with(["ingest", str(notices_file(tmp_path, *many))])
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1 and "Traceback" not in err, err
    assert f"error: the store at {url} failed: database or disk is full" in err
    assert snapshot_at(url) == before


def test_a_full_reports_disk_is_one_line_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = published_day_two(tmp_path, ["ops@example.com"])
    monkeypatch.setenv("REGWATCH_DATABASE_URL", url)
    before = snapshot_at(url)

    monkeypatch.setattr(writer, "_write_file", full_disk_writer(writer._write_file))  # noqa: SLF001
    code = main_with(["run", "--no-crawl", "--as-of", DAY2.isoformat()])
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1 and "Traceback" not in err, err
    reports = Path(os.environ["REGWATCH_REPORTS_DIR"])
    named = re.escape(str(reports / DAY2.isoformat() / "status.json"))  # where it was going, not the staging folder
    assert re.search(rf"^error: {named}: No space left on device$", err), err
    assert snapshot_at(url) == before  # the re-run of day two changed nothing stored


def test_a_postgresql_connection_killed_mid_run_is_one_line_and_loses_nothing(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.open(pg_url, create=True)
    load_baseline(store)
    upsert(store, [make_subscriber(email="ops@example.com")])
    run_pipeline(store, DAY1, reports_dir=tmp_path / "reports")
    store.ingest(NEW)
    before = snapshot(store)
    monkeypatch.setenv("REGWATCH_DATABASE_URL", pg_url)
    real_open = Store.open

    def killed_at_publish(url: str | None = None) -> Store:  # the server ends the session mid-transaction
        opened = real_open(url)

        @event.listens_for(opened.engine, "before_cursor_execute")
        def kill(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            if statement.startswith("INSERT INTO changes"):
                with store.engine.connect() as admin:
                    pid = conn.connection.dbapi_connection.info.backend_pid
                    admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

        return opened

    monkeypatch.setattr(Store, "open", killed_at_publish)
    code = main_with(["run", "--no-crawl", "--no-baseline", "--as-of", DAY2.isoformat()])
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1 and "Traceback" not in err, err
    assert "error: the store at postgresql+psycopg://postgres@127.0.0.1" in err and "failed: " in err
    assert snapshot(store) == before
    store.engine.dispose()


def test_a_malformed_smtp_url_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = published_day_two(tmp_path, ["ops@example.com"])
    env = {"REGWATCH_DATABASE_URL": url, "REGWATCH_SMTP_URL": "smtp://bob:Secret-pw@[::1"}
    result = regwatch("digest", "send", "--cadence", "daily", env=env)
    line = one_error_line(result)
    assert result.returncode == 2
    assert "smtp://bob:***@[::1" in line and "Secret-pw" not in result.stderr + result.stdout


def test_an_unreachable_postgresql_is_one_line() -> None:
    env = {"REGWATCH_DATABASE_URL": f"postgresql+psycopg://bob:Secret-pw@127.0.0.1:{free_port()}/regwatch"}
    result = regwatch("status", "--format", "json", env=env)
    line = one_error_line(result)
    assert result.returncode == 3 and "cannot open the store at postgresql+psycopg://bob:***@127.0.0.1:" in line
    assert "Secret-pw" not in result.stderr


def snapshot_at(url: str) -> Snapshot:
    store = Store.open(url)
    try:
        return snapshot(store)
    finally:
        store.engine.dispose()


def notices_file(tmp_path: Path, *notices: dict[str, object]) -> Path:
    file = tmp_path / "more.jsonl"
    file.write_text("".join(json.dumps(n) + "\n" for n in notices or [notice(id="one-more")]), encoding="utf-8")
    return file


def full_disk_writer(real_write: Any) -> Any:
    """A report writer whose disk fills at status.json, inside the real write (no file name in the OSError)."""

    def write(path: Path, content: str | bytes) -> None:
        if path.name == "status.json":
            with path.open("wb"):
                raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, content)

    return write
