"""The store: SQLAlchemy 2 on SQLite (embedded default) or PostgreSQL, migrated by Alembic."""

from regwatch.store.db import StoreBusy, StoreNotInitialised, StoreUnavailable
from regwatch.store.store import IngestResult, Store

__all__ = ["IngestResult", "Store", "StoreBusy", "StoreNotInitialised", "StoreUnavailable"]
