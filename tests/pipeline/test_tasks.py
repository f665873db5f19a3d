"""regwatch.pipeline.tasks: what each Airflow task does, tested without Airflow running."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from regwatch.domain.models import SourceHealth
from regwatch.domain.vocab import Cadence, ChangeKind
from regwatch.errors import BadInput
from regwatch.notify import RetryPolicy
from regwatch.notify.subscribers import make_subscriber, upsert
from regwatch.pipeline import tasks
from regwatch.pipeline.crawl import crawl_source
from regwatch.scraping.registry import spider_names
from regwatch.store import Store, StoreUnavailable

AS_OF = date(2025, 9, 1)
NOW = datetime(2025, 9, 1, 6, 0, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("logical_date", "run_after", "expected"),
    [
        # Scheduled and backfilled runs: the logical date, whenever they actually ran.
        (datetime(2025, 9, 1, tzinfo=UTC), datetime(2025, 9, 3, 12, 0, tzinfo=UTC), date(2025, 9, 1)),
        # Manual and asset-triggered runs have no logical date: when they were queued.
        (None, datetime(2025, 9, 3, 12, 0, tzinfo=UTC), date(2025, 9, 3)),
        # The UTC date, not the date where the timestamp was written: 22:00 in New York is 02:00 UTC.
        (datetime(2025, 9, 1, 22, 0, tzinfo=timezone(timedelta(hours=-4))), NOW, date(2025, 9, 2)),
    ],
)
def test_as_of_is_the_logical_date_else_when_the_run_was_queued(
    logical_date: datetime | None, run_after: datetime, expected: date
) -> None:
    assert tasks.as_of_for(logical_date, run_after) == expected


@pytest.mark.parametrize(
    ("cadence", "last_sent", "due"),
    [
        (Cadence.IMMEDIATE, NOW, True),
        (Cadence.DAILY, None, True),
        (Cadence.DAILY, NOW - timedelta(days=1), True),
        (Cadence.DAILY, NOW - timedelta(hours=1), False),
        (Cadence.DAILY, NOW + timedelta(days=3), False),  # a backfilled day waits for the next digest
        (Cadence.WEEKLY, None, True),
        (Cadence.WEEKLY, datetime(2025, 8, 31, 23, 0, tzinfo=UTC), True),  # Sunday: the ISO week before
        (Cadence.WEEKLY, NOW - timedelta(hours=1), False),
    ],
)
def test_digest_due(cadence: Cadence, last_sent: datetime | None, due: bool) -> None:
    assert tasks.digest_due(cadence, NOW.date(), last_sent) is due


def test_plan_sources_defaults_to_every_spider_and_checks_names() -> None:
    assert tasks.plan_sources(None) == list(spider_names())
    assert tasks.plan_sources(["dea", "fda", "dea"], replay="demo") == ["dea", "fda"]
    with pytest.raises(BadInput, match="unknown source.*'fbi'.*the spiders are: cdph, clinicaltrials, congress"):
        tasks.plan_sources(["dea", "fbi"])
    with pytest.raises(BadInput, match="no-such.warc"):
        tasks.plan_sources(None, replay="/no-such.warc")


def test_publish_counts_a_crawl_that_failed_for_good_as_broken_and_rerun_changes_nothing(
    sqlite_store: Store,
) -> None:
    healths = [SourceHealth(source="fda", ok=True, items=4).model_dump(mode="json")]
    first = tasks.publish_run(AS_OF, ["fda", "dea"], healths, store=sqlite_store)
    changes = sqlite_store.changes("2025-09-01")
    assert first == {
        "run_id": "2025-09-01",
        "as_of": "2025-09-01",
        "notices": 0,
        "changes": 1,
        "queued": 0,
        "broken": ["dea"],
        "not_configured": [],
    }
    assert [(c.kind, c.source) for c in changes] == [(ChangeKind.SOURCE_BROKEN, "dea")]

    again = tasks.publish_run(AS_OF, ["fda", "dea"], healths, store=sqlite_store)
    assert again == first
    assert sqlite_store.changes("2025-09-01") == changes
    assert [r.id for r in sqlite_store.runs()] == ["2025-09-01"]


def test_crawl_reports_unreadable_output_as_a_broken_source(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    def fake_crawl(name: str, workdir: Path, **kwargs: Any) -> tuple[SourceHealth, Path]:
        calls.append(kwargs)
        out = workdir / f"{name}.jsonl"
        out.write_text("this is not JSON\n", encoding="utf-8")
        return SourceHealth(source=name, ok=True, items=1), out

    monkeypatch.setattr("regwatch.pipeline.crawl.crawl_source", fake_crawl)
    health = tasks.crawl_one("fda", store=sqlite_store)
    assert health["ok"] is False and health["message"].startswith("output unreadable")
    assert calls == [{"base_url": None, "api_key": None}]
    assert sqlite_store.count_notices() == 0


def test_crawl_raises_when_the_store_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    # Port 1 on loopback refuses at once: an outage Airflow should retry, not a broken source.
    monkeypatch.setenv("REGWATCH_DATABASE_URL", "postgresql+psycopg://regwatch@127.0.0.1:1/regwatch")
    with pytest.raises(StoreUnavailable, match="127.0.0.1:1"):
        tasks.crawl_one("dea")


def test_crawl_runs_the_real_spider_on_the_demo_replay_without_throttling(sqlite_store: Store) -> None:
    health = tasks.crawl_one("dea", replay="demo", store=sqlite_store)
    assert (health["source"], health["ok"], health["items"]) == ("dea", True, sqlite_store.count_notices())
    assert health["items"] >= 1


def test_crawl_process_gets_the_key_from_the_airflow_connection_and_no_politeness_on_a_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGWATCH_LEGISCAN_API_KEY", "")
    monkeypatch.setenv("REGWATCH_CONGRESS_API_KEY", "from-environment")
    monkeypatch.setenv("AIRFLOW_CONN_REGWATCH_LEGISCAN", '{"conn_type": "http", "password": "from-airflow"}')
    monkeypatch.setenv("AIRFLOW_CONN_REGWATCH_CONGRESS", '{"conn_type": "http", "password": "from-airflow"}')
    started: dict[str, tuple[list[str], dict[str, str]]] = {}

    def fake_run(command: list[str], *, env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        started[command[4]] = (command, env)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(subprocess, "run", fake_run)
    for source in ("legiscan", "congress", "fda"):
        crawl_source(source, tmp_path, base_url="http://127.0.0.1:9" if source == "fda" else None)
    assert started["legiscan"][1]["REGWATCH_LEGISCAN_API_KEY"] == "from-airflow"
    assert started["congress"][1]["REGWATCH_CONGRESS_API_KEY"] == "from-environment"
    assert "REGWATCH_FDA_API_KEY" not in started["fda"][1]
    assert "DOWNLOAD_DELAY=0" in started["fda"][0] and "AUTOTHROTTLE_ENABLED=False" in started["fda"][0]
    assert not any(arg.startswith("DOWNLOAD_DELAY") for arg in started["legiscan"][0])


def test_alerts_queue_once_and_digests_go_out_once_per_cadence_period(sqlite_store: Store, tmp_path: Path) -> None:
    upsert(
        sqlite_store,
        [
            make_subscriber(email="now@example.org", cadence="immediate"),
            make_subscriber(email="daily@example.org", cadence="daily"),
        ],
    )
    # One change (dea broken), queued for both in the transaction that publishes the run; the DAG's
    # queue task after it adds nothing.
    assert tasks.publish_run(AS_OF, ["dea"], [], store=sqlite_store)["queued"] == 2
    assert tasks.queue_alerts("2025-09-01", store=sqlite_store) == 0

    eml = f"eml:{tmp_path / 'reports' / '2025-09-01' / 'outbox'}"
    sent = {"due": True, "transport": eml, "messages": 1, "changes": 1, "failed": 0, "held": 0}
    nothing = {**sent, "messages": 0, "changes": 0}
    assert tasks.send_digest(Cadence.IMMEDIATE, NOW, store=sqlite_store) == {"cadence": "immediate", **sent}
    assert tasks.send_digest(Cadence.IMMEDIATE, NOW, store=sqlite_store) == {"cadence": "immediate", **nothing}
    assert tasks.send_digest(Cadence.DAILY, NOW, store=sqlite_store) == {"cadence": "daily", **sent}
    later = NOW + timedelta(hours=2)
    assert tasks.send_digest(Cadence.DAILY, later, store=sqlite_store) == {
        "cadence": "daily",
        "due": False,
        "messages": 0,
    }
    tomorrow = NOW + timedelta(days=1)
    assert tasks.send_digest(Cadence.DAILY, tomorrow, store=sqlite_store) == {"cadence": "daily", **nothing}
    assert len(list((tmp_path / "reports" / "2025-09-01" / "outbox").glob("*.eml"))) == 2


def test_a_digest_that_leaves_mail_queued_fails_so_airflow_retries(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    upsert(sqlite_store, [make_subscriber(email="now@example.org", cadence="immediate")])
    tasks.publish_run(AS_OF, ["dea"], [], store=sqlite_store)
    tasks.queue_alerts("2025-09-01", store=sqlite_store)
    # Port 1 on loopback refuses the connection: a transient failure, the rows stay queued.
    monkeypatch.setenv("REGWATCH_SMTP_URL", "smtp://127.0.0.1:1")
    monkeypatch.setattr("regwatch.notify.digest.RetryPolicy", lambda: _no_wait())
    with pytest.raises(tasks.DigestIncomplete, match="immediate digest left messages queued: now@example.org"):
        tasks.send_digest(Cadence.IMMEDIATE, NOW, store=sqlite_store)


def _no_wait() -> Any:

    return RetryPolicy(attempts=1, wait=0)
