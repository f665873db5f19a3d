"""API keys: from the environment, else from an Airflow connection `regwatch_<spider>` when Airflow is there."""

from __future__ import annotations

import logging
import os

logger = logging.getLogger(__name__)


def api_key(spider_name: str, env_var: str, *, use_airflow: bool = True) -> str | None:
    """The key in `env_var`, else the password (or extra "api_key") of Airflow connection regwatch_<spider>."""
    value = os.environ.get(env_var, "").strip()
    if value:
        return value
    if not use_airflow:
        return None
    return _airflow_key(f"regwatch_{spider_name}")


def _airflow_key(conn_id: str) -> str | None:
    """Look the connection up lazily: Airflow is heavy to import and absent outside the scheduler's hosts."""
    try:
        from airflow.sdk import BaseHook
    except Exception:  # Airflow not installed or broken here: keys then come only from the environment
        return None
    try:
        connection = BaseHook.get_connection(conn_id)
    except Exception as exc:  # no such connection, or no secrets backend reachable from this process
        logger.debug("no Airflow connection %s: %s", conn_id, exc)
        return None
    extra = connection.extra_dejson if connection.extra else {}
    key = connection.password or extra.get("api_key")
    return str(key).strip() or None if key else None
