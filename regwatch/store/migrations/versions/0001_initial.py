"""Initial schema: notices, runs, status rows, changes, subscribers, outbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("jurisdiction", sa.String(80), nullable=False, index=True),
        sa.Column("source", sa.String(60), nullable=False, index=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("published", sa.Date, nullable=False, index=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("as_of", sa.Date, nullable=False, index=True),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.DateTime(timezone=True)),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("notices", sa.Integer, nullable=False),
        sa.Column("changes", sa.Integer, nullable=False),
        sa.Column("health", sa.JSON, nullable=False),
        sa.Column("news", sa.JSON, nullable=False),
    )
    op.create_table(
        "status_rows",
        sa.Column("run_id", sa.String(40), primary_key=True),
        sa.Column("jurisdiction", sa.String(80), primary_key=True),
        sa.Column("substance", sa.String(20), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_table(
        "changes",
        sa.Column("run_id", sa.String(40), primary_key=True),
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("jurisdiction", sa.String(80)),
        sa.Column("substance", sa.String(20)),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("jurisdictions", sa.JSON, nullable=False),
        sa.Column("substances", sa.JSON, nullable=False),
        sa.Column("min_severity", sa.String(20), nullable=False),
        sa.Column("cadence", sa.String(20), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("subscriber_id", sa.Integer, primary_key=True),
        sa.Column("change_id", sa.String(40), primary_key=True),
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("message_id", sa.String(200)),
        sa.Column("queued", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("subscriber_id", "change_id", name="uq_outbox_subscriber_change"),
    )


def downgrade() -> None:
    for table in ("outbox", "subscribers", "changes", "status_rows", "runs", "notices"):
        op.drop_table(table)
