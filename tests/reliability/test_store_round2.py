"""Reliability round 2, the store and its inputs: poison notices, lengths PostgreSQL refuses, a stray newline,
alerts that survive a failed report, concurrent runs and migrations, duplicate ids, a deleted store,
an effective date long before publication."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, update

from regwatch.domain import jurisdictions
from regwatch.domain.models import Notice
from regwatch.errors import BadInput
from regwatch.inputs.jsonl import read_notices
from regwatch.normalise import classify
from regwatch.notify import outbox
from regwatch.notify.subscribers import make_subscriber, upsert
from regwatch.pipeline.steps import load_baseline, run_pipeline
from regwatch.store import Store, StoreBusy, StoreNotInitialised
from regwatch.store import store as store_module
from regwatch.store import tables as t
from tests.reliability.reliability_helpers import DAY1, DAY2, NEW, snapshot

BILL: dict[str, Any] = {
    "jurisdiction": "US-RI",
    "source": "openstates",
    "kind": "bill",
    "title": "Kratom Consumer Protection Act",
    "text": "Regulates kratom products.",
    "published": "2026-08-20",
    "identifier": "H 5565",
    "actions": [{"date": "2026-08-20", "description": "Introduced"}],
}


def jsonl(path: Path, *lines: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


# 15: a trailing newline in a locality slug -------------------------------------------------------------


def test_a_trailing_newline_in_a_locality_is_refused(tmp_path: Path) -> None:
    file = jsonl(tmp_path / "n.jsonl", {**BILL, "jurisdiction": "US-CA:san-diego\n"})
    with pytest.raises(BadInput, match=r"line 1: jurisdiction: 'US-CA:san-diego\\n'"):
        read_notices(file)


# 13: lengths PostgreSQL's columns refuse ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("id", "x" * 201, 200),
        ("source", "s" * 61, 60),
        ("jurisdiction", "US-CA:" + "-".join(["san"] * 19), 80),  # a valid slug, 81 characters in all
    ],
)
def test_values_longer_than_their_columns_are_refused_naming_the_line(
    store: Store, tmp_path: Path, field: str, value: str, limit: int
) -> None:
    file = jsonl(tmp_path / "n.jsonl", BILL, {**BILL, "identifier": "H 2", field: value})
    with pytest.raises(BadInput, match=rf"line 2: {field}: .*at most {limit} characters"):
        read_notices(file)
    assert store.count_notices() == 0
    assert len(Notice.model_validate(BILL).id or "") <= 200  # a derived id always fits


# 2: poison notices --------------------------------------------------------------------------------------


def test_characters_xml_forbids_are_removed_at_the_door() -> None:
    notice = Notice.model_validate(
        {
            **BILL,
            "title": "Kratom\x0cAct\x00",
            "text": "page one\x0cpage two\x1b",
            "identifier": "H\x005565",
            "actions": [{"date": "2026-08-20", "description": "Intro\x0bduced"}],
        }
    )
    assert notice.title == "Kratom Act"
    assert notice.text == "page one page two"
    assert notice.identifier == "H 5565"
    assert notice.actions[0].description == "Intro duced"
    assert Notice.model_validate({**BILL, "text": "tab\there\nand\r\nlines"}).text == "tab\there\nand\r\nlines"


def test_a_long_locality_slug_is_refused() -> None:
    with pytest.raises(ValueError, match="a locality slug has at most 60 characters"):
        jurisdictions.validate("US-CA:" + "a" * 61)
    with pytest.raises(ValueError, match="jurisdiction"):
        Notice.model_validate({**BILL, "jurisdiction": "US-CA:" + "a" * 300})
    assert jurisdictions.validate("US-CA:" + "a" * 60)


def test_a_pdf_title_does_not_break_the_run(store: Store, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    load_baseline(store)
    run_pipeline(store, DAY1, reports_dir=reports)
    poison = NEW[1].model_dump(mode="json") | {"title": "Restricts 7-hydroxymitragynine\x0c\x00 products"}
    store.ingest([Notice.model_validate(poison)])
    outcome = run_pipeline(store, DAY2, reports_dir=reports)
    assert any("Restricts 7-hydroxymitragynine" in c.summary for c in outcome.changes)
    assert "Restricts 7-hydroxymitragynine  products" in (reports / DAY2.isoformat() / "feed.xml").read_text()


def test_a_stored_notice_that_no_longer_validates_is_skipped(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    store.ingest([Notice.model_validate(BILL), Notice.model_validate({**BILL, "identifier": "H 2"})])
    bad_id = Notice.model_validate({**BILL, "identifier": "H 2"}).id
    poisoned = {**BILL, "identifier": "H 2", "jurisdiction": "US-CA:" + "a" * 300}
    with store.engine.begin() as conn:  # written by an older regwatch that let it through
        conn.execute(update(t.notices).where(t.notices.c.id == bad_id).values(payload=poisoned))
    assert [n.identifier for n in store.notices()] == ["H 5565"]
    assert str(bad_id) in caplog.text


# 1: publishing a run and queueing its alerts are one transaction ----------------------------------------


def test_alerts_are_queued_even_when_the_report_cannot_be_written(store: Store, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    load_baseline(store)
    upsert(store, [make_subscriber(email="ops@example.com")])
    run_pipeline(store, DAY1, reports_dir=reports)
    store.ingest(NEW)
    unwritable = tmp_path / "not-a-folder"
    unwritable.write_text("a file where the reports folder should be")
    with pytest.raises(OSError):
        run_pipeline(store, DAY2, reports_dir=unwritable)
    queued = snapshot(store).outbox
    changes = store.changes(DAY2.isoformat())
    assert changes
    assert sorted(c for _, c, _ in queued) == sorted(c.id for c in changes)  # every change queued, once

    outcome = run_pipeline(store, DAY2, reports_dir=reports)  # the re-run writes the report, queues nothing new
    assert (reports / DAY2.isoformat() / "index.html").is_file() and outcome.report is not None
    assert snapshot(store).outbox == queued


def test_a_run_whose_alerts_cannot_be_queued_is_not_published(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_baseline(store)
    upsert(store, [make_subscriber(email="ops@example.com")])
    run_pipeline(store, DAY1)
    store.ingest(NEW)
    before = snapshot(store)

    def broken(*_: object) -> None:
        raise RuntimeError("the outbox write failed")

    monkeypatch.setattr(outbox, "_insert_ignoring_duplicates", broken)
    with pytest.raises(RuntimeError, match="the outbox write failed"):
        run_pipeline(store, DAY2)
    assert snapshot(store) == before  # neither the run nor any alert: the next run finds the change again


# 4: one id, two contents ---------------------------------------------------------------------------------

BAN = {**BILL, "id": "ri:h5565", "title": "Bans kratom", "text": "Adds mitragynine to Schedule I."}
LABELS = {**BILL, "id": "ri:h5565", "title": "Kratom labelling", "text": "Requires labels on kratom products."}


def test_one_id_with_two_contents_in_one_file_is_refused_naming_both_lines(store: Store, tmp_path: Path) -> None:
    file = jsonl(tmp_path / "n.jsonl", BAN, {**BILL, "identifier": "H 2"}, LABELS)
    with pytest.raises(BadInput, match=r"lines 1 and 3: .*'ri:h5565'.*different content") as refused:
        read_notices(file)
    assert "nothing was stored" in str(refused.value)
    assert store.count_notices() == 0
    assert len(read_notices(jsonl(tmp_path / "same.jsonl", BAN, BAN))) == 2  # a plain repeat is no conflict


def test_across_files_the_earlier_version_is_kept(store: Store, tmp_path: Path) -> None:
    store.ingest(read_notices(jsonl(tmp_path / "a.jsonl", BAN)))
    result = store.ingest(read_notices(jsonl(tmp_path / "b.jsonl", LABELS)))
    assert (result.added, result.updated, result.unchanged, result.kept) == (0, 0, 0, ["ri:h5565"])
    assert store.notice("ri:h5565").title == "Bans kratom"  # type: ignore[union-attr]


def test_a_bill_whose_actions_grew_is_updated(store: Store) -> None:
    store.ingest([Notice.model_validate(BAN)])
    grown = {**BAN, "actions": [*BAN["actions"], {"date": "2026-09-01", "description": "Passed House"}]}
    result = store.ingest([Notice.model_validate({**grown, "effective": "2026-10-01"})])
    assert (result.added, result.updated, result.kept) == (0, 1, [])
    assert len(store.notice("ri:h5565").actions) == 2  # type: ignore[union-attr]
    rewritten = {**BAN, "actions": [{"date": "2026-08-21", "description": "Withdrawn"}]}  # history rewritten
    assert store.ingest([Notice.model_validate(rewritten)]).kept == ["ri:h5565"]


def test_ingest_names_the_notices_it_kept_at_their_earlier_version(tmp_path: Path) -> None:
    def ingest(file: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "regwatch", "ingest", str(file)], capture_output=True, text=True, check=False
        )

    Store.open(create=True).engine.dispose()  # the CLI's default store, as `regwatch init` makes it
    ingest(jsonl(tmp_path / "a.jsonl", BAN))
    done = ingest(jsonl(tmp_path / "b.jsonl", LABELS))
    assert done.returncode == 0, done.stderr
    assert "1 kept at an earlier version" in done.stderr and "ri:h5565" in done.stderr


# 3: concurrent runs and migrations on one store ----------------------------------------------------------

MIGRATE = "import sys; from regwatch.store import Store; Store.open(sys.argv[1], create=True).engine.dispose()"


def test_concurrent_first_migrations_all_succeed(store_url: str) -> None:
    opening = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE, store_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in opening]
    assert [code for code, _ in results] == [0, 0, 0, 0], [err for _, err in results]
    store = Store.open(store_url)
    assert store.count_notices() == 0
    store.engine.dispose()


def in_two_threads(store_url: str, work: Callable[[Store], object]) -> list[BaseException]:
    """Run `work` in two threads, each on its own Store of `store_url` (two processes' worth of
    connections); the errors they raised. Stores are opened here: Alembic's context is not thread-safe."""
    errors: list[BaseException] = []
    stores = [Store.open(store_url) for _ in range(2)]

    def one(own: Store) -> None:
        try:
            work(own)
        except BaseException as exc:  # noqa: BLE001 (the test reports whatever a thread raised)
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(own,)) for own in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for own in stores:
        own.engine.dispose()
    return errors


def meet(barrier: threading.Barrier) -> None:
    """Wait for the other thread (at most 2 s: once writers are serialised, it is waiting for us)."""
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=2)


def test_concurrent_ingests_of_the_same_notices_both_succeed(
    store: Store, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    barrier = threading.Barrier(2)
    real_row = store_module._notice_row  # noqa: SLF001

    def row_after_both_looked(*args: Any) -> dict[str, object]:
        meet(barrier)  # both have read which ids are known; both now write
        return real_row(*args)

    monkeypatch.setattr(store_module, "_notice_row", row_after_both_looked)
    errors = in_two_threads(store_url, lambda s: s.ingest(NEW))
    assert errors == []
    assert store.count_notices() == len(NEW)


def test_concurrent_runs_of_one_date_both_succeed(
    store: Store, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_baseline(store)
    upsert(store, [make_subscriber(email="ops@example.com")])
    run_pipeline(store, DAY1)
    store.ingest(NEW)
    barrier = threading.Barrier(2)
    real_publish = Store.publish_run

    def publish_together(self: Store, *args: Any, **kwargs: Any) -> None:
        meet(barrier)
        real_publish(self, *args, **kwargs)

    monkeypatch.setattr(Store, "publish_run", publish_together)
    errors = in_two_threads(store_url, lambda s: run_pipeline(s, DAY2))
    assert errors == []
    assert [r.id for r in store.runs()] == [DAY1.isoformat(), DAY2.isoformat()]
    queued = snapshot(store).outbox
    assert queued and len(queued) == len({(e, c) for e, c, _ in queued}) == len(store.changes(DAY2.isoformat()))


def test_a_locked_sqlite_store_says_another_run_is_in_progress(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    Store.open(f"sqlite:///{path}", create=True).engine.dispose()
    impatient = Store(create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.2}))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusy, match=r"another run is in progress on sqlite:///.*store\.sqlite"):
            impatient.ingest(NEW)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        impatient.engine.dispose()


# 16: an effective date years before publication ----------------------------------------------------------


def test_an_effective_date_years_before_publication_is_marked_for_review(caplog: pytest.LogCaptureFixture) -> None:
    typo = Notice.model_validate({**BAN, "effective": "2016-10-01"})  # meant 2026
    with caplog.at_level(logging.WARNING):
        action = classify(typo)
    assert action.review and "2016-10-01" in action.review[0] and "2026-08-20" in action.review[0]
    assert "ri:h5565" in caplog.text and "2016-10-01" in caplog.text
    assert classify(Notice.model_validate({**BAN, "effective": "2026-07-01"})).review == []  # months: fine
    assert classify(Notice.model_validate(BAN)).review == []


# 5: a deleted data folder ---------------------------------------------------------------------------------


def test_a_missing_store_is_refused_unless_asked_to_create_one(store_url: str) -> None:
    with pytest.raises(StoreNotInitialised, match=r"no regwatch store at .*: run `regwatch init`"):
        Store.open(store_url)
    if store_url.startswith("sqlite:///"):
        assert not Path(store_url.removeprefix("sqlite:///")).exists()  # refusing leaves no empty file behind
    Store.open(store_url, create=True).engine.dispose()
    reopened = Store.open(store_url)  # an existing store opens (and migrates) as before
    assert reopened.count_notices() == 0
    reopened.engine.dispose()


def test_run_on_a_deleted_data_folder_refuses_and_init_creates_the_store(tmp_path: Path) -> None:
    env = {**os.environ, "REGWATCH_DATA_DIR": str(tmp_path / "data"), "REGWATCH_REPORTS_DIR": str(tmp_path / "r")}
    env.pop("REGWATCH_DATABASE_URL", None)

    def regwatch(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "regwatch", *args], env=env, capture_output=True, text=True, check=False
        )

    refused = regwatch("run", "--no-crawl", "--as-of", DAY1.isoformat())
    assert refused.returncode == 3, refused.stderr
    assert "no regwatch store at" in refused.stderr and "regwatch init" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "data" / "regwatch.sqlite").exists() and not (tmp_path / "r").exists()

    created = regwatch("init")
    assert created.returncode == 0, created.stderr
    assert f"store ready at sqlite:///{tmp_path / 'data' / 'regwatch.sqlite'}" in created.stderr
    assert regwatch("init").returncode == 0  # again: the store is there, nothing changes
    assert regwatch("run", "--no-crawl", "--as-of", DAY1.isoformat()).returncode == 0


def test_a_store_at_the_newest_schema_opens_for_reading_while_a_run_writes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    Store.open(url, create=True).engine.dispose()
    holder = sqlite3.connect(tmp_path / "store.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a run publishing
    try:
        started = time.monotonic()
        reader = Store.open(url)  # `regwatch status` meanwhile: no migration to do, so no write lock to wait for
        assert reader.count_notices() == 0
        assert time.monotonic() - started < 10
        reader.engine.dispose()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
