"""The worker processes of a large send: which stores they can open, and how their reports come together."""

from __future__ import annotations

import threading
from concurrent.futures import Future

import pytest
from sqlalchemy import create_engine

from regwatch.notify import workers
from regwatch.store import Store


def test_a_worker_reopens_a_file_or_server_store_but_not_an_in_memory_one(sqlite_store: Store) -> None:
    url = workers.reopenable(sqlite_store)

    assert url is not None and Store.open(url).where() == sqlite_store.where()
    assert workers.reopenable(Store(create_engine("sqlite://"))) is None
    assert workers.reopenable(Store(create_engine("sqlite:///file:shared?mode=memory&uri=true"))) is None
    server = Store(create_engine("postgresql+psycopg://regwatch:secret@db.example.org/regwatch"))
    assert workers.reopenable(server) == "postgresql+psycopg://regwatch:secret@db.example.org/regwatch"


def done(value: int | None = None, error: Exception | None = None) -> Future[int]:
    future: Future[int] = Future()
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value or 0)
    return future


def test_every_report_is_added_and_the_first_failure_raised_once_all_have_stopped() -> None:
    added: list[int] = []
    stop = threading.Event()
    running = [done(1), done(error=RuntimeError("worker 2 crashed")), done(3), done(error=OSError("worker 4"))]

    with pytest.raises(RuntimeError, match="worker 2 crashed"):
        workers.gather(running, added.append, stop)

    assert (added, stop.is_set()) == ([1, 3], True)


def test_workers_that_all_finish_leave_the_flag_down() -> None:
    added: list[int] = []
    stop = threading.Event()

    workers.gather([done(1), done(2)], added.append, stop)

    assert (added, stop.is_set()) == ([1, 2], False)
