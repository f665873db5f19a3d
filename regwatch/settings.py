"""Settings: the one module that reads the environment and Airflow connections.

Every other module asks a function here; values are read when asked (never at import), so a test or a
task that sets a variable sees it at once. The variables are listed in README.md (Configuration).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# The Airflow connection that holds SMTP settings when REGWATCH_SMTP_URL is unset.
SMTP_CONNECTION = "regwatch_smtp"


def _value(name: str) -> str | None:
    """The variable `name`, stripped; None when unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or None


# folders and the store ---------------------------------------------------------------------------------


def data_dir() -> Path:
    """Where the embedded store and the evidence archive live: REGWATCH_DATA_DIR, default ./data."""
    return Path(_value("REGWATCH_DATA_DIR") or "data").resolve()


def database_url() -> str:
    """REGWATCH_DATABASE_URL, default an SQLite file in the data folder."""
    url = _value("REGWATCH_DATABASE_URL")
    if url:
        return url
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'regwatch.sqlite'}"


def reports_dir() -> Path:
    """REGWATCH_REPORTS_DIR, default ./reports."""
    return Path(_value("REGWATCH_REPORTS_DIR") or "reports").resolve()


def archive_dir() -> Path:
    """REGWATCH_ARCHIVE_DIR, default data/archive: the WARC evidence archive."""
    return Path(_value("REGWATCH_ARCHIVE_DIR") or data_dir() / "archive").resolve()


def archive_url() -> str | None:
    """REGWATCH_ARCHIVE_URL: where the WARC archive is published, so reports can link archived copies."""
    return _value("REGWATCH_ARCHIVE_URL")


def reports_url() -> str | None:
    """REGWATCH_REPORTS_URL: where the reports folder is published, for absolute links in the feed."""
    return _value("REGWATCH_REPORTS_URL")


def crawl_marks_dir() -> Path:
    """REGWATCH_CRAWL_MARKS: each source's high-water mark between crawls (one JSON file per source)."""
    return Path(_value("REGWATCH_CRAWL_MARKS") or data_dir() / "crawl-marks")


def full_sweep_days() -> int:
    """REGWATCH_FULL_SWEEP_DAYS (default 7): days between full crawls of a source; the crawls between ask
    only for what changed, and a full one finds what changed in place on old pages. 0: every crawl is full."""
    value = _value("REGWATCH_FULL_SWEEP_DAYS")
    if value is None:
        return 7
    try:
        days = int(value)
    except ValueError:
        raise ValueError(f"REGWATCH_FULL_SWEEP_DAYS={value!r}: expected a whole number of days (0 or more)") from None
    if days < 0:
        raise ValueError(f"REGWATCH_FULL_SWEEP_DAYS={value!r}: expected a whole number of days (0 or more)")
    return days


def legiscan_state_file() -> Path:
    """REGWATCH_LEGISCAN_STATE: the change hashes LegiScan's spider keeps between runs."""
    return Path(_value("REGWATCH_LEGISCAN_STATE") or data_dir() / "legiscan" / "bills.json")


# API keys ----------------------------------------------------------------------------------------------


def api_key_variable(source: str) -> str:
    """The environment variable that holds a source's API key: REGWATCH_<SOURCE>_API_KEY."""
    return f"REGWATCH_{source.upper()}_API_KEY"


def api_key_connection(source: str) -> str:
    """The Airflow connection that holds a source's API key when its variable is unset."""
    return f"regwatch_{source}"


def api_key(source: str) -> str | None:
    """A source's API key: its variable, else the password (or extra `api_key`) of its Airflow connection."""
    value = _value(api_key_variable(source))
    if value:
        return value
    conn = airflow_connection(api_key_connection(source))
    if conn is None:
        return None
    key = conn.password or (conn.extra_dejson or {}).get("api_key")
    return str(key).strip() or None if key else None


def secret_values() -> list[str]:
    """Every secret value set in the environment (API keys, the SMTP password), for redacting messages."""
    return [
        value
        for name, value in os.environ.items()
        if name.startswith("REGWATCH_")
        and (name.endswith(("_API_KEY", "_PASSWORD", "_SECRET")) or name == "REGWATCH_API_TOKEN")
        and value.strip()
    ]


# mail --------------------------------------------------------------------------------------------------


def smtp_url() -> str | None:
    """REGWATCH_SMTP_URL: `smtp://` or `smtps://`; unset means the Airflow connection, else .eml files."""
    return _value("REGWATCH_SMTP_URL")


def smtp_user() -> str | None:
    """REGWATCH_SMTP_USER, used when the SMTP URL or connection names no user."""
    return _value("REGWATCH_SMTP_USER")


def smtp_password() -> str | None:
    """REGWATCH_SMTP_PASSWORD, used when the SMTP URL or connection holds no password."""
    return _value("REGWATCH_SMTP_PASSWORD")


def smtp_cafile() -> str | None:
    """REGWATCH_SMTP_CAFILE: a private CA to trust, as relays inside a company use."""
    return _value("REGWATCH_SMTP_CAFILE")


def smtp_sessions() -> int:
    """REGWATCH_SMTP_SESSIONS: SMTP connections a large digest send may hold at once (default 3; 1 for a
    server that takes one connection per client). A send opens a second one only past a few hundred
    subscribers (regwatch.notify.digest)."""
    value = _value("REGWATCH_SMTP_SESSIONS")
    try:
        return max(1, int(value)) if value else 3
    except ValueError:
        raise ValueError(f"REGWATCH_SMTP_SESSIONS={value!r}: expected a whole number of connections") from None


def mail_from() -> str | None:
    """REGWATCH_MAIL_FROM: the digests' sender address."""
    return _value("REGWATCH_MAIL_FROM")


def unsubscribe_url() -> str | None:
    """REGWATCH_UNSUBSCRIBE_URL: the unsubscribe link template of the digests."""
    return _value("REGWATCH_UNSUBSCRIBE_URL")


# the web service (`regwatch serve`) ---------------------------------------------------------------


def api_token() -> str | None:
    """REGWATCH_API_TOKEN: the bearer token of the review endpoints (and of every read when not public).

    Unset: the review endpoints refuse every request, and reads are public only.
    """
    return _value("REGWATCH_API_TOKEN")


def api_public() -> bool:
    """REGWATCH_API_PUBLIC (default true): false puts the read endpoints and pages behind the token too."""
    return (_value("REGWATCH_API_PUBLIC") or "true").lower() not in {"0", "false", "no", "off"}


def unsubscribe_secret() -> str | None:
    """REGWATCH_UNSUBSCRIBE_SECRET: the HMAC key of the signed one-click unsubscribe tokens in digests."""
    return _value("REGWATCH_UNSUBSCRIBE_SECRET")


# Airflow and child processes ---------------------------------------------------------------------------


def airflow_connection(conn_id: str) -> Any | None:
    """The Airflow connection `conn_id` (airflow.sdk.Connection), or None.

    Asked only inside an Airflow process (Airflow already imported) or where AIRFLOW_CONN_<ID> is set:
    importing Airflow elsewhere costs a second and reconfigures the process's logging. None also when the
    connection is not defined or no task context can answer (a plain CLI run, a crawl subprocess).
    """
    if "airflow" not in sys.modules and not _value("AIRFLOW_CONN_" + conn_id.upper()):
        return None
    try:
        from airflow.sdk import Connection  # noqa: PLC0415 (Airflow: only where it already runs, see above)

        return Connection.get(conn_id)
    except Exception as exc:  # Airflow absent or broken, no such connection, no API server to ask
        log.debug("Airflow connection %s not available: %s", conn_id, exc)
        return None


def child_environment(overrides: Mapping[str, str], *, without_prefixes: tuple[str, ...] = ()) -> dict[str, str]:
    """This process's environment plus `overrides`, for a subprocess (a `scrapy crawl`, an Airflow process).

    Variables starting with one of `without_prefixes` are left out first (the cluster demo starts its
    Airflow processes without the caller's own AIRFLOW__* settings).
    """
    kept = {name: value for name, value in os.environ.items() if not name.startswith(without_prefixes)}
    return {**kept, **overrides}


# the cluster (regwatch.cluster, `make cluster-demo`) -------------------------------------------------


def worker_name() -> str | None:
    """REGWATCH_WORKER_NAME: the name a Celery worker reports as the hostname of the tasks it runs."""
    return _value("REGWATCH_WORKER_NAME")


def cluster_postgres_url() -> str:
    """REGWATCH_CLUSTER_POSTGRES_URL: a PostgreSQL database to connect to while creating the demo's own."""
    return _value("REGWATCH_CLUSTER_POSTGRES_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def cluster_redis_url() -> str:
    """REGWATCH_CLUSTER_REDIS_URL: the Celery broker of the cluster demo."""
    return _value("REGWATCH_CLUSTER_REDIS_URL") or "redis://127.0.0.1:6379/0"
