"""The store's tables (SQLAlchemy Core). Alembic migrations in migrations/ create and evolve them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from regwatch.domain.models import ID_LENGTH, JURISDICTION_LENGTH, SOURCE_LENGTH

metadata = MetaData()

notices = Table(
    "notices",
    metadata,
    Column("id", String(ID_LENGTH), primary_key=True),
    Column("jurisdiction", String(JURISDICTION_LENGTH), nullable=False, index=True),
    Column("source", String(SOURCE_LENGTH), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("published", Date, nullable=False, index=True),
    Column("content_hash", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("updated", DateTime(timezone=True), nullable=False),
    # The fold's read by place (Store.readings, by_place) walks it: migration 0007.
    Index("ix_notices_place", "jurisdiction", "id", "published", "source", "content_hash"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("as_of", Date, nullable=False, index=True),
    Column("started", DateTime(timezone=True), nullable=False),
    Column("finished", DateTime(timezone=True)),
    Column("state", String(20), nullable=False),
    Column("published", Boolean, nullable=False, default=False),
    Column("notices", Integer, nullable=False, default=0),
    Column("changes", Integer, nullable=False, default=0),
    Column("health", JSON, nullable=False),
    Column("news", JSON, nullable=False),
)

status_rows = Table(
    "status_rows",
    metadata,
    Column("run_id", String(40), primary_key=True),
    Column("jurisdiction", String(JURISDICTION_LENGTH), primary_key=True),
    Column("substance", String(20), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("payload", JSON, nullable=False),
)

changes = Table(
    "changes",
    metadata,
    Column("run_id", String(40), primary_key=True),
    Column("id", String(40), primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("jurisdiction", String(JURISDICTION_LENGTH)),
    Column("substance", String(20)),
    Column("payload", JSON, nullable=False),
)

subscribers = Table(
    "subscribers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("jurisdictions", JSON, nullable=False),
    Column("substances", JSON, nullable=False),
    Column("min_severity", String(20), nullable=False),
    Column("cadence", String(20), nullable=False),
    Column("token", String(64), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)

outbox = Table(
    "outbox",
    metadata,
    Column("subscriber_id", Integer, primary_key=True),
    Column("change_id", String(40), primary_key=True),
    Column("run_id", String(40), nullable=False),
    Column("state", String(20), nullable=False),  # queued, sending, sent, failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("message_id", String(200), index=True),  # ix_outbox_message_id (migration 0003): sends look rows up by it
    Column("queued", DateTime(timezone=True), nullable=False),
    Column("sent", DateTime(timezone=True)),
    Column("payload", JSON),  # the Change as queued (migration 0002)
    Column("claimed", DateTime(timezone=True)),  # when a send marked the row `sending` (0002)
    UniqueConstraint("subscriber_id", "change_id", name="uq_outbox_subscriber_change"),
)

# Analyst decisions (migration 0005): append-only. The store has no method that updates or deletes a row,
# and the database refuses both (triggers), so the audit trail cannot be rewritten.
decisions = Table(
    "decisions",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("notice", String(ID_LENGTH), nullable=False, index=True),
    Column("by", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("payload", JSON, nullable=False),
)

# Each notice's reading by the rules (migration 0006), before analysts' decisions: valid while the notice's
# content hash and the rules' fingerprint (regwatch.normalise.fingerprint) are the ones it was made with.
# `active`: the reading can move the table (sets a status, withdraws, or is a baseline fact); `brief`: what the
# fold needs of an inactive one (JSON: event keys, retrieval day, news); `payload`: the Action as JSON.
readings = Table(
    "readings",
    metadata,
    Column("notice", String(ID_LENGTH), ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True),
    Column("rules", String(64), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("brief", Text, nullable=False),
    Column("payload", Text, nullable=False),
)
