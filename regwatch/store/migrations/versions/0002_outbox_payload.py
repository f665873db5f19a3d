"""Outbox: keep the change as queued (payload) and when a send claimed the row (claimed).

The payload lets a digest be rendered even after a re-run of the same date replaced the run's
changes; `claimed` tells a send still in progress from one that crashed (see regwatch.notify.outbox).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("payload", sa.JSON, nullable=True))
        batch.add_column(sa.Column("claimed", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claimed")
        batch.drop_column("payload")
