"""Truth model: reliability spelt out, and a change names every substance its event moves.

Stored curated readings spelt reliability P, S, UNVERIFIED; they become primary, secondary, unverified.
Stored changes and queued alerts named one `substance`; they gain the `substances` list (that one).
Status rows need nothing: the fields rows gained (reliability, detail, review, deciding, precision,
lapsed) have defaults, and the next run compares against old rows without alerting what was in force.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_NEW = {"P": "primary", "S": "secondary", "UNVERIFIED": "unverified"}
_OLD = {new: old for old, new in _NEW.items()}


def upgrade() -> None:
    _rewrite("notices", ("id",), lambda p: _reliability(p, _NEW))
    _rewrite("changes", ("run_id", "id"), _with_substances)
    _rewrite("outbox", ("subscriber_id", "change_id"), _with_substances)


def downgrade() -> None:
    _rewrite("notices", ("id",), lambda p: _reliability(p, _OLD))


def _rewrite(name: str, keys: tuple[str, ...], change: Callable[[dict[str, Any]], bool]) -> None:
    """Apply `change` to each row's JSON payload, writing back the rows it changed."""
    table = sa.table(name, *(sa.column(k) for k in keys), sa.column("payload", sa.JSON))
    conn = op.get_bind()
    for row in conn.execute(sa.select(table)).mappings().all():
        payload = row["payload"]
        if isinstance(payload, dict) and change(payload):
            where = sa.and_(*(table.c[k] == row[k] for k in keys))
            conn.execute(sa.update(table).where(where).values(payload=payload))


def _reliability(payload: dict[str, Any], spelling: dict[str, str]) -> bool:
    curated = payload.get("curated")
    if not isinstance(curated, dict) or curated.get("reliability") not in spelling:
        return False
    curated["reliability"] = spelling[curated["reliability"]]
    return True


def _with_substances(payload: dict[str, Any]) -> bool:
    if payload.get("substances") or not payload.get("substance"):
        return False
    payload["substances"] = [payload["substance"]]
    return True
