"""A small client of Airflow 3's REST API (/api/v2), as much of it as the cluster demo needs.

Signs in through the simple auth manager (`POST /auth/token` with a user the demo configured), then
unpauses and triggers the DAG, creates pools, and reads the run and its task instances back.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote


class ApiError(RuntimeError):
    """The API answered with an error status (the message names the request and the answer)."""


class Api:
    def __init__(self, base_url: str, username: str, password: str, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.username = username
        self.password = password
        self.timeout = timeout
        self.token: str | None = None

    def request(self, method: str, path: str, body: Any = None, *, auth: bool = True) -> Any:
        """`method path` with a JSON body; the decoded JSON answer (None when empty)."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.sign_in()}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                raw = reply.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:500]
            raise ApiError(f"{method} {path}: HTTP {exc.code} {detail}") from exc
        return json.loads(raw) if raw else None

    def sign_in(self) -> str:
        if self.token is None:
            answer = self.request(
                "POST", "/auth/token", {"username": self.username, "password": self.password}, auth=False
            )
            self.token = str(answer["access_token"])
        return self.token

    def healthy(self) -> bool:
        """Whether the API server answers its health check (no sign-in needed)."""
        try:
            return self.request("GET", "/api/v2/monitor/health", auth=False) is not None
        except (OSError, ApiError, ValueError):
            return False

    def dag_known(self, dag_id: str) -> bool:
        """Whether the DAG processor has parsed the DAG and stored it."""
        try:
            self.request("GET", f"/api/v2/dags/{quote(dag_id)}")
        except ApiError as exc:
            if "HTTP 404" in str(exc):
                return False
            raise
        return True

    def create_pool(self, name: str, slots: int, description: str) -> None:
        body = {"name": name, "slots": slots, "description": description, "include_deferred": False}
        self.request("POST", "/api/v2/pools", body)

    def unpause(self, dag_id: str) -> None:
        self.request("PATCH", f"/api/v2/dags/{quote(dag_id)}", {"is_paused": False})

    def trigger(self, dag_id: str, run_id: str, conf: dict[str, Any]) -> dict[str, Any]:
        body = {"dag_run_id": run_id, "logical_date": None, "conf": conf}
        answer: dict[str, Any] = self.request("POST", f"/api/v2/dags/{quote(dag_id)}/dagRuns", body)
        return answer

    def dag_run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.request("GET", f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}")
        return answer

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        """Every task instance of the run (mapped ones one per map index)."""
        path = f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/taskInstances?limit=1000"
        answer = self.request("GET", path)
        return list(answer["task_instances"])
