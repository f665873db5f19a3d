"""Opening the store: an engine for the configured URL, migrated to the newest schema."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

from regwatch import settings
from regwatch.redact import redact_url


class StoreUnavailable(RuntimeError):
    """The database named by REGWATCH_DATABASE_URL cannot be opened or migrated."""


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
    except Exception as exc:  # the driver's own error says why; the message names the store
        raise StoreUnavailable(f"cannot open the store at {redact_url(url)}: {exc}") from exc
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is there already)."""
    ini = resources.files("regwatch.store").joinpath("alembic.ini")
    config = Config(str(ini))
    config.set_main_option("script_location", str(resources.files("regwatch.store").joinpath("migrations")))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # WAL lets readers (reports, the CLI) proceed while a run writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
