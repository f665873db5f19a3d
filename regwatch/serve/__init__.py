"""`regwatch serve`: a query API and the report's pages over the store, on FastAPI and uvicorn."""

from regwatch.serve.app import create_app

__all__ = ["create_app"]
