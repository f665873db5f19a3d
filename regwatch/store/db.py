"""Opening the store: an engine for the configured URL, migrated to the newest schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import OperationalError

from regwatch import settings
from regwatch.redact import redact_url


class StoreUnavailable(RuntimeError):
    """The database named by REGWATCH_DATABASE_URL cannot be opened or migrated."""


class StoreNotInitialised(StoreUnavailable):
    """No regwatch store where one is configured: never created, or its data folder deleted."""


class StoreBusy(StoreUnavailable):
    """Another process held the store's write lock for longer than we wait (SQLite): another run."""


# PostgreSQL advisory lock keys (any bigint, the same in every regwatch process): what must be serial.
MIGRATE_LOCK = 0x5245_4757_0001  # "REGW" 1: a first migration, so concurrent first opens do not collide
PUBLISH_LOCK = 0x5245_4757_0002  # "REGW" 2: publishing a run (delete then insert of the run's rows)


def make_engine(url: str | None = None, *, create: bool = False) -> Engine:
    """An engine for `url` (default: the configured store), migrated to the head revision.

    A store that does not exist (an SQLite file that is not there, a database without regwatch's
    tables) is created only when `create` is set (`regwatch init`); otherwise StoreNotInitialised.
    A deleted data folder must never turn, silently, into an empty store with no runs and no
    subscribers. An existing store is migrated to the newest schema either way.
    """
    url = url or settings.database_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    sqlite_file = _sqlite_file(url)
    if sqlite_file is not None:
        if not create and not sqlite_file.exists():  # checked first: connecting would create the file
            raise StoreNotInitialised(_not_initialised(url))
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    # SQLite waits this long for a writer holding the lock, instead of failing at once.
    connect_args = {"timeout": 30} if url.startswith("sqlite") else {"connect_timeout": 10}
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        if not create and not inspect(engine).has_table("alembic_version"):
            engine.dispose()
            raise StoreNotInitialised(_not_initialised(url))
        migrate(engine)
    except StoreUnavailable:
        raise
    except Exception as exc:  # the driver's own error says why; the message names the store
        raise StoreUnavailable(f"cannot open the store at {redact_url(url)}: {exc}") from exc
    return engine


def _sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL; None for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    database = parsed.database
    if parsed.query.get("uri") == "true" and database.startswith("file:"):
        # sqlite's URI form (`sqlite:///file:/path?mode=ro&uri=true`): the file is the URI's path.
        database = urlsplit(database).path
        if not database or database == ":memory:" or parsed.query.get("mode") == "memory":
            return None
    return Path(database)


def _not_initialised(url: str) -> str:
    return (
        f"no regwatch store at {redact_url(url)}: run `regwatch init` to create one "
        "(if it existed, its data folder or database was removed: restore it rather than start empty)"
    )


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is there already).

    Serialised: processes opening a new store together migrate one after the other, and the later
    ones find the schema at head. A store already at head is only read, so that opening it (to read
    a status, say) never waits for the write lock a run holds.
    """
    ini = resources.files("regwatch.store").joinpath("alembic.ini")
    config = Config(str(ini))
    config.set_main_option("script_location", str(resources.files("regwatch.store").joinpath("migrations")))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        if MigrationContext.configure(connection).get_current_revision() == head:
            return
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
