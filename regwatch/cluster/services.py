"""PostgreSQL and Redis for a cluster run: started if they are down, and the run's own databases.

PostgreSQL is a system service: where it is down it is started as CI does (`pg_ctlcluster`) and stopped
again afterwards. Redis, where it is down, is started as a child of the run (no persistence) and stopped
with the other parts.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

POSTGRES_CLUSTERS = Path("/etc/postgresql")


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_reachable(host: str, port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if reachable(host, port):
            return True
        time.sleep(0.5)
    return reachable(host, port)


def host_port(url: str, default_port: int) -> tuple[str, int]:
    parsed = make_url(url)
    return parsed.host or "127.0.0.1", parsed.port or default_port


def start_postgres(url: str) -> Callable[[], None] | None:
    """Start the machine's PostgreSQL cluster if `url` is not reachable; the function that stops it again.

    None when it was already running. RuntimeError when it is down and cannot be started here.
    """
    host, port = host_port(url, 5432)
    if reachable(host, port):
        return None
    versions = sorted(p.name for p in POSTGRES_CLUSTERS.iterdir()) if POSTGRES_CLUSTERS.is_dir() else []
    if not versions or not shutil.which("pg_ctlcluster"):
        raise RuntimeError(f"PostgreSQL is not reachable at {host}:{port} and pg_ctlcluster is not here to start it")
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[0], "main"]
    log.info("PostgreSQL is down: %s start", " ".join(command))
    subprocess.run([*command, "start"], check=False, capture_output=True, timeout=60)
    if not wait_reachable(host, port, 30):
        raise RuntimeError(f"PostgreSQL did not come up at {host}:{port} ({' '.join(command)} start)")

    def stop() -> None:
        subprocess.run([*command, "stop"], check=False, capture_output=True, timeout=60)

    return stop


def redis_command(url: str) -> list[str] | None:
    """The command that starts a throwaway Redis for `url`, or None when one already answers there."""
    host, port = host_port(url, 6379)
    if reachable(host, port):
        return None
    server = shutil.which("redis-server")
    if not server:
        raise RuntimeError(f"Redis is not reachable at {host}:{port} and redis-server is not installed")
    return [server, "--port", str(port), "--bind", host, "--save", "", "--appendonly", "no"]


def libpq_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as libpq (psycopg.connect) reads it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def database_url(admin_url: str, name: str, driver: str = "postgresql+psycopg") -> str:
    """The URL of database `name` on the server of `admin_url`."""
    return make_url(admin_url).set(drivername=driver, database=name).render_as_string(hide_password=False)


def create_database(admin_url: str, name: str) -> None:
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(admin_url: str, name: str) -> None:
    """Drop `name`, closing whatever still holds it open."""
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
