"""Fixtures for alerts: a published run with changes and a real SMTP server on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from regwatch.domain.models import Change
from regwatch.store import Store
from tests.notify.alerts_helpers import CHANGES, RUN_ID, Mailbox, SmtpServer, free_port, publish


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free loopback port, running."""
    server = SmtpServer(Mailbox(), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def published(sqlite_store: Store) -> Callable[..., str]:
    """Publish CHANGES (or the given changes) into the SQLite store; returns the run id."""

    def _publish(changes: list[Change] | None = None, run_id: str = RUN_ID) -> str:
        return publish(sqlite_store, CHANGES if changes is None else changes, run_id)

    return _publish
