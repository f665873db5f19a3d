"""The OpenAPI document, validated and held to by property tests: schemathesis generates requests from the
document (valid and invalid parameters and bodies, with and without the token) against the app and checks
every answer: no 5xx, a documented status and content type, a body that matches its schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, assume, given, settings
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Err, Result
from schemathesis.schemas import APIOperation

from regwatch.serve import create_app
from regwatch.store import Store


@pytest.fixture(scope="module")
def app(store: Store) -> FastAPI:
    return create_app(store)


@pytest.fixture(scope="module")
def api_schema(app: FastAPI) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_the_document_is_valid_openapi(app: FastAPI) -> None:
    spec = app.openapi()
    assert spec["openapi"].startswith("3.1")
    loaded = schemathesis.openapi.from_dict(spec)
    loaded.validate()  # against the OpenAPI 3.1 meta-schema schemathesis ships
    operations = {f"{op.method.upper()} {op.path}" for op in (_operation(r) for r in loaded.get_all_operations())}
    assert {"GET /api/status", "GET /api/changes", "GET /api/jurisdictions/{code}", "GET /api/matrix"} <= operations


def test_every_operation_keeps_to_the_document(
    api_schema: schemathesis.BaseSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Driven through hypothesis directly: schemathesis's pytest plugin does not load under this pytest.
    monkeypatch.setenv("REGWATCH_API_TOKEN", "property-token")
    for result in api_schema.get_all_operations():
        operation = _operation(result)

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case[Any]) -> None:
            # `run` and `since` exclude each other, which OpenAPI cannot say: that 422 is tested by name elsewhere.
            assume(not {"run", "since"} <= set(case.query or {}))
            case.call_and_validate()

        check()


def _operation(result: Result[APIOperation[Any, Any, Any, Any], InvalidSchema]) -> APIOperation[Any, Any, Any, Any]:
    """An operation of the document, or the error schemathesis found in it (the test fails naming it)."""
    if isinstance(result, Err):
        raise AssertionError(f"the OpenAPI document has an invalid operation: {result.err()}")
    return result.ok()
