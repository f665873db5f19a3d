"""Opening the store: an engine for the configured URL, migrated to the newest schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

from regwatch import settings
from regwatch.redact import redact_url


class StoreUnavailable(RuntimeError):
    """The database named by REGWATCH_DATABASE_URL cannot be opened or migrated."""


class StoreBusy(StoreUnavailable):
    """Another process held the store's write lock for longer than we wait (SQLite): another run."""


# PostgreSQL advisory lock keys (any bigint, the same in every regwatch process): what must be serial.
MIGRATE_LOCK = 0x5245_4757_0001  # "REGW" 1: a first migration, so concurrent first opens do not collide
PUBLISH_LOCK = 0x5245_4757_0002  # "REGW" 2: publishing a run (delete then insert of the run's rows)


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (default: the configured store), migrated to the head revision."""
    url = url or settings.database_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # SQLite waits this long for a writer holding the lock, instead of failing at once.
    connect_args = {"timeout": 30} if url.startswith("sqlite") else {"connect_timeout": 10}
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except StoreBusy:
        raise
    except Exception as exc:  # the driver's own error says why; the message names the store
        raise StoreUnavailable(f"cannot open the store at {redact_url(url)}: {exc}") from exc
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is there already).

    Serialised: processes opening a new store together migrate one after the other, and the later
    ones find the schema at head.
    """
    ini = resources.files("regwatch.store").joinpath("alembic.ini")
    config = Config(str(ini))
    config.set_main_option("script_location", str(resources.files("regwatch.store").joinpath("migrations")))
    with write_transaction(engine, MIGRATE_LOCK) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def write_transaction(engine: Engine, lock: int | None = None) -> Iterator[Connection]:
    """A transaction that waits for other writers instead of colliding with them.

    SQLite: BEGIN IMMEDIATE takes the write lock before the first read, so a read-then-write (which
    ids are known, then insert) cannot interleave with another process's; a lock held past the busy
    timeout raises StoreBusy. PostgreSQL: the advisory lock `lock`, held to the end of the transaction.
    """
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.begin() as conn:
            if sqlite:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif lock is not None and engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock})
            yield conn
    except OperationalError as exc:
        if sqlite and "database is locked" in str(exc.orig):
            where = redact_url(engine.url.render_as_string(hide_password=False))
            raise StoreBusy(
                f"another run is in progress on {where}: it held the store's write lock longer than we wait "
                "(try again when it has finished)"
            ) from exc
        raise


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # WAL lets readers (reports, the CLI) proceed while a run writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
