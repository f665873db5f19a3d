"""The hostname Airflow records for a task: the Celery worker's name where one is set.

Airflow writes `[core] hostname_callable`'s answer into each task instance's `hostname`. Two workers on one
machine share its hostname, so the cluster demo names each worker (REGWATCH_WORKER_NAME, the same name as
its `--celery-hostname`) and points `hostname_callable` here: where a task ran can then be read from Airflow.
"""

from __future__ import annotations

import socket

from regwatch import settings


def worker_hostname() -> str:
    """REGWATCH_WORKER_NAME, else the machine's fully qualified name (Airflow's default)."""
    return settings.worker_name() or socket.getfqdn()
