"""Each benchmark once at a tiny size, so none can rot: they run end to end and count what they should.

No timing is asserted: these machines are shared; `make bench` measures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.__main__ import BENCHMARKS, main, table
from benchmarks.classify import classify_benchmark
from benchmarks.crawl_bench import POLITE_DOMAINS, polite_bound, replay_vs_raw
from benchmarks.dags import dag_parse
from benchmarks.digest import digest_benchmark
from benchmarks.fold import fold_sizes
from benchmarks.generate import Corpus
from benchmarks.ingest import ingest_benchmark, postgres_base
from benchmarks.pages import build_archive
from benchmarks.rerun import rerun_benchmark
from regwatch.inputs.baseline import baseline_notices


def test_generator_is_deterministic_and_mostly_not_about_kratom() -> None:
    first = [n.model_dump() for n in Corpus(3).notices(200)]
    again = [n.model_dump() for n in Corpus(3).notices(200)]
    assert first == again
    fr = [n for n in first if n["source"] == "federal_register"]
    about = [n for n in fr if "mitragyn" in (n["title"] + n["text"]).lower()]
    assert fr and len(about) < len(fr) / 2


def test_replay_fetches_every_page_of_the_archive() -> None:
    pages = 40
    result = replay_vs_raw(pages=pages, repetitions=1)
    run = result["runs"][0]
    stored = len(build_archive(pages).pages) - 1  # robots.txt aside
    assert run["replay"]["responses"] == stored + 4  # each of the four spiders also reads robots.txt
    assert run["raw"]["responses"] == stored + 1
    assert not [key for key in run["server"] if key.endswith(" 404")]
    assert run["replay"]["items"] > 0 and result["replay_vs_raw_ratio"] > 0


def test_polite_crawl_reaches_every_domain() -> None:
    result = polite_bound(delay=0.02, max_pages=2, repetitions=1)
    assert result["polite_domains"] == POLITE_DOMAINS
    assert result["polite_bound_seconds"] > 0 and result["polite_bound_ratio"] > 0


def test_fold_builds_a_table_from_every_notice() -> None:
    result = fold_sizes([300], repetitions=1)
    run = result["fold_detail"]["300"]["runs"][0]
    # every baseline fact is read whatever its date: undated ones carry their check day yet hold before it
    assert run["notices"] == 300 + len(baseline_notices())
    assert run["rows"] > 0 and result["fold_peak_mb"]["300"] > 0


def test_unchanged_rerun_asks_only_for_changes_and_queues_no_alert() -> None:
    result = rerun_benchmark("revalidate", pages=12, delay=0.01)
    first, second = result["passes"]
    assert first["alerts_queued"] > 0 and first["filtered"] == 0  # the first crawl is full
    assert result["alerts"] == 0 and second["notices"] == first["notices"]
    # The re-run asks the two APIs with their change filters (new questions: 200) and revalidates or skips
    # the rest: fewer requests than the first pass, every other answer a 304.
    assert second["filtered"] == second["status_200"] == 2
    assert second["requests"] == second["status_200"] + second["status_304"] < first["requests"]
    assert result["cached_fraction"] == round(1 - 2 / first["requests"], 3)


def test_dag_files_parse() -> None:
    result = dag_parse(repetitions=1)
    assert result["dag_parse_errors"] == {}
    assert set(result["dag_parse_seconds"]) == {p.name for p in (Path(__file__).parents[2] / "dags").glob("*.py")}


def test_digests_reach_the_smtp_server() -> None:
    result = digest_benchmark(count=15, notices=400)
    assert result["digest_detail"]["messages"] == 15
    assert result["digest_detail"]["deferred"] == 0 and result["digest_detail"]["failed"] == 0
    assert result["digest_detail"]["send_cpu_seconds"] > 0 and result["digest_detail"]["server_cpu_seconds"] > 0


def test_table_marks_missed_goals_and_main_writes_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = table({"replay_vs_raw_ratio": 0.5, "rerun_alerts": 0})
    assert "replay_vs_raw_ratio" in text and "MISSED" in text.splitlines()[2]
    assert text.splitlines()[3].endswith("ok")
    # main's own work (sizes, JSON, table) with a stand-in for the DAG benchmark, measured above
    monkeypatch.setitem(BENCHMARKS, "dags", lambda sizes: {"dag_parse_max_seconds": 0.01, "asked": sizes})
    out = tmp_path / "latest.json"
    assert main(["--only", "dags", "--quick", "--out", str(out)]) == 0
    written = json.loads(out.read_text())
    assert written["machine"]["cores"] and written["quick"] is True
    assert written["dag_parse_max_seconds"] == 0.01 and written["asked"] == {"repetitions": 5}


def test_ingest_runs_on_sqlite_and_on_postgresql_when_configured() -> None:
    result = ingest_benchmark(count=200, repetitions=1)
    assert result["ingest_notices"] == 200 and result["ingest_sqlite_seconds"] >= 0
    assert ("pg_vs_sqlite_ingest_ratio" in result) == bool(postgres_base())


def test_classify_reads_the_corpus_as_generated_and_with_distinct_texts() -> None:
    result = classify_benchmark(count=50, repetitions=1)
    assert set(result["classify_us_per_notice"]) == {"generated", "distinct_texts"}
    assert all(v > 0 for v in result["classify_us_per_notice"].values())
