"""Worker processes for a large digest send: one SMTP session each, so that rendering (CPU work, which
the threads of one process take in turns) runs on every core while the other sessions wait on the server.

Processes are started afresh ("spawn": no lock, connection or thread state copied from the sending
process) and share one stop flag: a configuration error or a crash in one stops the others at their
next subscriber, as regwatch.notify.digest's workers always did.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Protocol, TypeVar

from regwatch.store import Store
from regwatch.store.db import sqlite_file

T = TypeVar("T")


class Flag(Protocol):
    """A threading.Event, or a multiprocessing one shared by the worker processes of a send."""

    def set(self) -> None: ...
    def is_set(self) -> bool: ...


def reopenable(store: Store) -> str | None:
    """The store's URL, for a worker process to open it again; None for an in-memory SQLite store."""
    url = store.engine.url.render_as_string(hide_password=False)
    return None if store.engine.url.get_backend_name() == "sqlite" and sqlite_file(url) is None else url


@contextmanager
def pool(workers: int) -> Iterator[tuple[ProcessPoolExecutor, Flag]]:
    """`workers` fresh processes and the stop flag they share; on leaving, every one has finished."""
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_share, initargs=(stop,)) as executor:
        yield executor, stop


_STOP: Flag | None = None  # in a worker process: the send's stop flag


def _share(stop: Flag) -> None:
    global _STOP  # noqa: PLW0603  (set once, as the pool starts this process)
    _STOP = stop


def shared_stop() -> Flag | None:
    """In a worker process, the stop flag its send shares; None elsewhere."""
    return _STOP


def gather(running: list[Future[T]], add: Callable[[T], None], stop: Flag) -> None:
    """`add` what each worker returns; once every worker has stopped, re-raise the first failure (a
    failure sets the flag, so the others stop at their next subscriber)."""
    failure: BaseException | None = None
    for future in running:
        try:
            part = future.result()
        except BaseException as exc:  # re-raised below, once every worker has stopped
            stop.set()
            failure = failure or exc
            continue
        add(part)
    if failure is not None:
        raise failure
