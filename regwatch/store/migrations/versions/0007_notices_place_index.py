"""Notices: a covering index (jurisdiction, id, published, source, content_hash) for the fold's read by place.

The fold reads every visible notice's reading one jurisdiction at a time, in id order (Store.readings,
by_place). Walking notices by jurisdiction alone visits them in insertion order, so each reading was looked up
at random in a store larger than any cache: at 1M notices that query cost 14 s of CPU against 1 s at 100k. In
this index's order the readings (stored in id order) are looked up nearly in sequence, the notices table is
not read at all, and SQLite sorts nothing (benchmarks/README.md, round 5).

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_notices_place", "notices", ["jurisdiction", "id", "published", "source", "content_hash"])


def downgrade() -> None:
    op.drop_index("ix_notices_place", table_name="notices")
