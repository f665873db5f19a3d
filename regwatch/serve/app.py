"""`regwatch serve`: the status table, changes, jurisdictions and the commerce matrix over HTTP, the report's
pages live for any date, the review queue behind a bearer token, and one-click unsubscribe.

Every answer comes from the library functions the command line calls (regwatch.serve.queries says which);
this module only reads parameters, checks the token, and turns regwatch's errors into 4xx answers that name
the parameter. Time is read here, at the edge: a missing `as_of` is today's date in UTC.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import fastapi_offline
from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from regwatch import settings
from regwatch.domain.vocab import Substance
from regwatch.errors import BadInput
from regwatch.notify.unsubscribe import subscriber_for, unsubscribe_with
from regwatch.reports.writer import write_csv
from regwatch.review import actions as review
from regwatch.review.actions import UnknownNotice
from regwatch.serve import queries, views
from regwatch.serve.queries import NotFound
from regwatch.serve.schemas import (
    ChangeOut,
    DecideIn,
    JurisdictionOut,
    LogEntry,
    MatrixLine,
    Problem,
    ReviewItem,
    StatusOut,
    UndoIn,
)
from regwatch.store import Store

STATIC = Path(__file__).parent / "static"
DOCS_STATIC = Path(fastapi_offline.__file__).parent / "static"  # Swagger UI, shipped in a wheel: no CDN
# Scripts only from this server; styles inline (the report's) or from it (Swagger UI); forms post only here.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
DATE = r"^\d{4}-\d{2}-\d{2}$"
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "An unknown jurisdiction, run or notice"},
    422: {"model": Problem, "description": "A parameter that is not valid, named in `detail`"},
}
GUARDED: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No bearer token, or the wrong one"},
    403: {"model": Problem, "description": "REGWATCH_API_TOKEN is not set: the endpoint is disabled"},
}

AsOf = Annotated[
    str | None,
    Query(
        description="The date to report the law as it stood (YYYY-MM-DD); default today (UTC).",
        pattern=DATE,
        json_schema_extra={"format": "date"},
    ),
]
bearer = HTTPBearer(auto_error=False, description="REGWATCH_API_TOKEN")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


class Unauthorised(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def require_token(credentials: Credentials) -> None:
    """The review endpoints (and every read when REGWATCH_API_PUBLIC=false): `Authorization: Bearer <token>`."""
    expected = settings.api_token()
    if expected is None:
        raise Unauthorised(403, "authorization: REGWATCH_API_TOKEN is not set, so this endpoint is disabled")
    given = credentials.credentials if credentials is not None else ""
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorised(401, "authorization: a valid bearer token is required (Authorization: Bearer <token>)")


def read_access(credentials: Credentials) -> None:
    """Reads are public unless REGWATCH_API_PUBLIC=false."""
    if not settings.api_public():
        require_token(credentials)


def today() -> date:
    return datetime.now(UTC).date()


def create_app(store: Store) -> FastAPI:
    """The application over `store` (one engine, shared by the worker threads)."""
    app = FastAPI(
        title="regwatch",
        summary="Kratom regulatory status per jurisdiction and substance, dated and cited.",
        version="1",
        docs_url=None,  # served below from local files, under the same Content-Security-Policy
        redoc_url=None,
    )
    app.mount("/static/docs", StaticFiles(directory=DOCS_STATIC), name="docs-static")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _errors(app)
    _headers(app)
    reads = [Depends(read_access)]
    # Reads are public unless REGWATCH_API_PUBLIC=false: the document says the token is optional there
    # (FastAPI appends this empty requirement to the bearer one its dependency declares).
    optional: dict[str, Any] = {"security": [{}]}
    guarded = [Depends(require_token)]

    @app.get(
        "/api/status",
        response_model=list[StatusOut],
        responses={**ERRORS, **GUARDED},
        dependencies=reads,
        openapi_extra=optional,
    )
    def status(
        as_of: AsOf = None,
        jurisdiction: Annotated[str | None, Query(description="A code (US-FL, TH) or a name (Florida).")] = None,
        substance: Substance | None = None,
    ) -> list[dict[str, Any]]:
        """The same rows as `regwatch status --as-of AS_OF --format json [--jurisdiction CODE]`."""
        day = queries.parse_day(as_of, "as_of", today())
        code = queries.jurisdiction_code(jurisdiction) if jurisdiction is not None else None
        return queries.status(store, day, code, substance)

    @app.get(
        "/api/changes",
        response_model=list[ChangeOut],
        responses={**ERRORS, **GUARDED},
        dependencies=reads,
        openapi_extra=optional,
    )
    def changes(
        run: Annotated[str | None, Query(description="A run id (its as-of date); default the latest.")] = None,
        since: Annotated[
            str | None,
            Query(
                description="Every run as of this date or later (YYYY-MM-DD).",
                pattern=DATE,
                json_schema_extra={"format": "date"},
            ),
        ] = None,
    ) -> list[dict[str, Any]]:
        """The changes of a run, as `regwatch changes --run ID --format json` prints them, or of every run since."""
        day = queries.parse_day(since, "since", today()) if since is not None else None
        return queries.changes(store, run, day)

    @app.get(
        "/api/jurisdictions/{code}",
        response_model=JurisdictionOut,
        responses={**ERRORS, **GUARDED},
        dependencies=reads,
        openapi_extra=optional,
    )
    def jurisdiction(
        code: Annotated[str, PathParam(description="A code (US-LA, TH, US-CA:san-diego) or a name.")],
        as_of: AsOf = None,
    ) -> dict[str, Any]:
        """A jurisdiction's rows with their explanations, the timeline of its acts with sources, what is
        pending and scheduled, and the changes a run on this date finds there."""
        day = queries.parse_day(as_of, "as_of", today())
        return queries.jurisdiction(store, day, queries.jurisdiction_code(code, "code"))

    @app.get(
        "/api/matrix",
        response_model=list[MatrixLine],
        responses={**ERRORS, **GUARDED, 200: {"content": {"text/csv": {}}}},
        dependencies=reads,
        openapi_extra=optional,
    )
    def matrix(
        as_of: AsOf = None,
        substance: Substance = Substance.KRATOM,
        format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv")] = "json",  # noqa: A002
    ) -> Any:
        """The sell-to / ship-to matrix: per jurisdiction, may we sell SUBSTANCE there on AS_OF, from what age,
        under which caps, since when and on what evidence."""
        day = queries.parse_day(as_of, "as_of", today())
        lines = queries.matrix(store, day, substance)
        if format == "csv":
            body = write_csv(queries.MATRIX_FIELDS, queries.matrix_csv_rows(lines))
            name = f"regwatch-matrix-{substance.value}-{day.isoformat()}.csv"
            return PlainTextResponse(
                body, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
            )
        return lines

    # review: the functions of `regwatch review ...` ----------------------------------------------------------

    @app.get("/api/review", response_model=list[ReviewItem], responses=GUARDED, dependencies=guarded)
    def review_list() -> list[ReviewItem]:
        """Readings waiting for a person, most consequential first (`regwatch review list`)."""
        return review.queue(store, today())

    @app.get("/api/review/log", response_model=list[LogEntry], responses=GUARDED, dependencies=guarded)
    def review_log() -> list[dict[str, Any]]:
        """Every decision in the order made (`regwatch review log --format json`)."""
        return review.log_entries(store)

    @app.post(
        "/api/review/{notice}/decide",
        response_model=LogEntry,
        status_code=201,
        responses={**ERRORS, **GUARDED},
        dependencies=guarded,
    )
    def review_decide(notice: str, body: DecideIn) -> dict[str, Any]:
        """Replace the rules' reading of NOTICE (`regwatch review decide NOTICE --provision ... --by --reason`)."""
        effective = queries.parse_day(body.effective, "effective", today()) if body.effective else None
        decision = review.decide(
            store, notice, body.provisions, body.by, body.reason, stage=body.stage, effective=effective
        )
        return review.log_entry(decision)

    @app.post(
        "/api/review/{notice}/undo",
        response_model=LogEntry,
        status_code=201,
        responses={**ERRORS, **GUARDED},
        dependencies=guarded,
    )
    def review_undo(notice: str, body: UndoIn) -> dict[str, Any]:
        """Return NOTICE to the rules' reading (`regwatch review undo`)."""
        return review.log_entry(review.undo(store, notice, body.by, body.reason))

    # pages --------------------------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False, dependencies=reads)
    def index(request: Request, as_of: str | None = None, substance: str | None = None) -> HTMLResponse:
        day = queries.parse_day(as_of or None, "as_of", today())
        chosen = _substance(substance)
        return HTMLResponse(views.index(request, store, day, chosen))

    @app.get("/jurisdictions/{code}", response_class=HTMLResponse, include_in_schema=False, dependencies=reads)
    def jurisdiction_page(request: Request, code: str, as_of: str | None = None) -> HTMLResponse:
        day = queries.parse_day(as_of or None, "as_of", today())
        return HTMLResponse(views.jurisdiction(request, store, day, queries.jurisdiction_code(code, "code")))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        return HTMLResponse(views.docs(request))

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:  # browsers ask for it: an answer, not a 404 in every console
        return FileResponse(DOCS_STATIC / "favicon.png", media_type="image/png")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    # one-click unsubscribe (RFC 8058) -------------------------------------------------------------------------

    @app.get("/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
    def unsubscribe_page(request: Request, token: str = "") -> HTMLResponse:
        """A confirmation page: a GET never unsubscribes (mail scanners follow links), its button POSTs."""
        found = subscriber_for(store, token)
        return HTMLResponse(views.unsubscribe(request, token, found, done=False), status_code=200 if found else 404)

    @app.post(
        "/unsubscribe",
        response_class=HTMLResponse,
        responses={404: {"description": "The token names no subscriber", "content": {"text/html": {}}}},
        tags=["alerts"],
    )
    def unsubscribe(
        request: Request,
        token: Annotated[str, Query(description="The signed token from the digest's List-Unsubscribe link")],
    ) -> HTMLResponse:
        """One-click unsubscribe (RFC 8058; the body `List-Unsubscribe=One-Click` is what mail clients send).

        Only the subscriber the token names is unsubscribed; no account, no login."""
        found = unsubscribe_with(store, token)
        return HTMLResponse(views.unsubscribe(request, token, found, done=True), status_code=200 if found else 404)

    return app


def _substance(value: str | None) -> Substance | None:
    if not value:
        return None
    try:
        return Substance(value)
    except ValueError:
        known = ", ".join(s.value for s in Substance)
        raise BadInput(f"substance: {value!r} is not one of {known}") from None


def _errors(app: FastAPI) -> None:
    """regwatch's errors as 4xx answers naming the parameter: JSON under /api, a page elsewhere."""

    def answer(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return JSONResponse({"detail": message}, status_code=status, headers=headers)
        return HTMLResponse(views.error(request, status, message), status_code=status, headers=headers)

    @app.exception_handler(NotFound)
    @app.exception_handler(UnknownNotice)
    async def not_found(request: Request, exc: BadInput) -> Response:
        return answer(request, 404, str(exc))

    @app.exception_handler(BadInput)
    async def bad_input(request: Request, exc: BadInput) -> Response:
        return answer(request, 422, str(exc))

    @app.exception_handler(Unauthorised)
    async def unauthorised(request: Request, exc: Unauthorised) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return answer(request, exc.status, str(exc), headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body")) or "body"
            message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            got = error.get("input")
            shown = f" (got {str(got)[:80]!r})" if isinstance(got, (str, int, float)) else ""
            parts.append(f"{where}: {message}{shown}")
        return answer(request, 422, "; ".join(parts))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return answer(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))


def _headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store" if not settings.api_public() else "no-cache")
        return response
