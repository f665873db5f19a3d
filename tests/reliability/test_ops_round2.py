"""Operations, round 2: a source without its API key is `not configured` (never healthy, never silent); a
killed `digest send` leaves messages held, and the next send says how many and when they are retried."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from regwatch.domain.vocab import Cadence
from regwatch.notify.outbox import outbox_rows
from regwatch.notify.subscribers import make_subscriber, upsert
from regwatch.pipeline.crawl import crawl_source
from regwatch.pipeline.steps import load_baseline, run_pipeline
from regwatch.pipeline.tasks import DigestIncomplete, publish_run, send_digest, write_report
from regwatch.store import Store
from tests.reliability.reliability_helpers import DAY1, DAY2, FAST, NEW

# 7 --- a source that was not run is `not configured` ------------------------------------------------------


@pytest.fixture(autouse=True)
def _store_initialised() -> None:
    """The deployment's `regwatch init`: these tests drive commands against a store that exists."""
    Store.open(create=True).engine.dispose()


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for source in ("CONGRESS", "OPENSTATES", "LEGISCAN"):
        monkeypatch.delenv(f"REGWATCH_{source}_API_KEY", raising=False)


@pytest.mark.usefixtures("no_keys")
def test_a_source_without_its_key_is_not_configured_in_the_health_summary_and_report(
    sqlite_store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    health, _ = crawl_source("congress", tmp_path / "crawl", scrapy_settings=FAST)
    assert (health.ok, health.skipped, health.items) == (False, True, 0)  # not heard from: not healthy
    assert "not configured" in health.message and "REGWATCH_CONGRESS_API_KEY" in health.message

    with caplog.at_level(logging.INFO, logger="regwatch.pipeline.tasks"):
        summary = publish_run(DAY1, ["congress"], [health.model_dump(mode="json")], store=sqlite_store)
    assert summary["broken"] == [] and summary["not_configured"] == ["congress"]
    assert "not configured: congress" in caplog.text
    assert "congress" not in sqlite_store.verified(DAY1)  # a source not run verifies nothing
    assert sqlite_store.changes(summary["run_id"]) == []  # not broken either: no source_broken alert

    folder = Path(write_report(summary["run_id"], store=sqlite_store))
    for page in ("index.html", "report.md"):
        text = (folder / page).read_text(encoding="utf-8").replace("\\_", "_")  # Markdown escapes "_"
        assert "Not configured" in text and "congress" in text and "REGWATCH_CONGRESS_API_KEY" in text, page


@pytest.mark.usefixtures("no_keys")
def test_regwatch_run_names_the_sources_not_configured(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "regwatch", "run", "--no-baseline", "--as-of", DAY1.isoformat(), "--source", "congress"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "source congress not configured" in done.stderr, done.stderr
    assert "broken" not in done.stderr, done.stderr


# 6 --- a killed `digest send`: the next send names what is held and when it is retried -----------------------

# The child sends itself SIGKILL after claiming the first digest, before delivering it.
KILLED_SEND = """
import os, signal, sys
import regwatch.notify.digest as m
def die(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)
m._deliver = die
from regwatch.cli import main
sys.argv = ["regwatch", "digest", "send", "--cadence", "daily", "--now", sys.argv[1]]
main()
"""
SENT_AT = "2026-09-02T07:00:00+00:00"


def digest_send(env: dict[str, str], now: str, script: str | None = None) -> subprocess.CompletedProcess[str]:
    args = ["-c", script, now] if script else ["-m", "regwatch", "digest", "send", "--cadence", "daily", "--now", now]
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def test_a_killed_digest_send_is_reported_held_with_its_retry_time(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "REGWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}",
        "REGWATCH_REPORTS_DIR": str(tmp_path / "reports"),
        "COLUMNS": "400",  # rich wraps stderr at 80 columns off a terminal
    }
    store = Store.open(env["REGWATCH_DATABASE_URL"], create=True)
    load_baseline(store)
    upsert(store, [make_subscriber(email="ops@example.com", cadence="daily")])
    run_pipeline(store, DAY1, reports_dir=tmp_path / "reports")
    store.ingest(NEW)
    run_pipeline(store, DAY2, reports_dir=tmp_path / "reports")
    queued = len(outbox_rows(store))
    assert queued > 0

    killed = digest_send(env, SENT_AT, KILLED_SEND)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert {r["state"] for r in outbox_rows(store)} == {"sending"}

    again = digest_send(env, "2026-09-02T07:01:00+00:00")  # at once: the killed send may still be alive
    assert again.returncode == 1, again.stderr  # nothing was sent: not a success
    assert "0 sent" in again.stderr and "1 held by another send" in again.stderr, again.stderr
    assert "ops@example.com" in again.stderr and "retried after 2026-09-02 07:10 UTC" in again.stderr, again.stderr

    # The DAG's task fails on it, so Airflow retries (2, 4, 8 minutes: past the claim's 10 minutes).
    with pytest.raises(DigestIncomplete, match=r"1 held by another send.*retried after 2026-09-02 07:10 UTC"):
        send_digest(Cadence.DAILY, datetime.fromisoformat("2026-09-02T07:02:00+00:00"), store=store)

    later = digest_send(env, "2026-09-02T07:11:00+00:00")
    assert later.returncode == 0, later.stderr
    assert "1 sent" in later.stderr and "1 resent" in later.stderr and "0 held" in later.stderr, later.stderr
    assert {r["state"] for r in outbox_rows(store)} == {"sent"}
    store.engine.dispose()
