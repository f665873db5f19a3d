"""Outbox: index message_id, which every claim, mark and release of a digest looks rows up by.

Without it each of those updates scans the whole outbox, so sending N digests cost N x outbox rows
(10,000 subscribers: minutes; benchmarks/README.md).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_message_id", "outbox", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_message_id", table_name="outbox")
