"""Operations, round 2: a source without its API key is `not configured` (never healthy, never silent)."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_helpers import DAY1, FAST

from regwatch.pipeline.crawl import crawl_source
from regwatch.pipeline.tasks import publish_run, write_report
from regwatch.store import Store

# 7 --- a source that was not run is `not configured` ------------------------------------------------------


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
