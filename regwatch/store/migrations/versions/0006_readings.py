"""Readings: each notice's classifier output, stored so that a run classifies only what is new.

A reading is valid for the notice's content hash and the rules' fingerprint it was made with
(regwatch.normalise.fingerprint); a row for any other hash or fingerprint is stale and is read again.
Rows go with their notice (ON DELETE CASCADE). Nothing to carry forward: an empty table is a cold start.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "readings",
        sa.Column("notice", sa.String(200), sa.ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("rules", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("brief", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("readings")
