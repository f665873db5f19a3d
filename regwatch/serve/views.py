"""The HTML pages of `regwatch serve`: the report's own templates (regwatch/reports/templates), with links
that point into this server, a date picker and a substance switch, and the page's one script served from here.

Scraped text stays text: the report's environment escapes every value in HTML templates, and this one is an
overlay of it that only adds templates and replaces the link helper.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from jinja2 import ChoiceLoader, Environment, PackageLoader

from regwatch import settings
from regwatch.domain.vocab import Substance
from regwatch.notify.channels import label
from regwatch.notify.subscribers import Subscriber
from regwatch.reports import render, tilemap
from regwatch.reports.pages import archived_copy
from regwatch.serve import queries
from regwatch.store import Store

# Where links point while one page renders: the proxy's prefix and the date shown, for page_href in macros.
_LINKS: ContextVar[tuple[str, str]] = ContextVar("links", default=("", ""))


def served_href(code: str, from_index: bool = True) -> str:
    """A jurisdiction's page on this server, on the date being shown (replaces reports.pages.page_href)."""
    base, query = _LINKS.get()
    return f"{base}/jurisdictions/{quote(code, safe=':')}{query}"


@cache
def environment() -> Environment:
    env = render.environment().overlay(
        loader=ChoiceLoader(
            [PackageLoader("regwatch.serve", "templates"), PackageLoader("regwatch.reports", "templates")]
        )
    )
    env.globals = {**env.globals, "page_href": served_href}  # overlay shares the dict: copy before changing
    return env


def _render(request: Request, name: str, day: date | None, **context: Any) -> str:
    base = str(request.scope.get("root_path", "")).rstrip("/")
    query = f"?{urlencode({'as_of': day.isoformat()})}" if day is not None else ""
    token = _LINKS.set((base, query))
    try:
        return environment().get_template(name).render(base=base, **context)
    finally:
        _LINKS.reset(token)


def index(request: Request, store: Store, day: date, substance: Substance | None) -> str:
    """`/`: the report's index for `day`, as a run on that date would publish it."""
    shown = queries.view(store, day)
    context = render.index_context(shown.run, shown.rows, shown.changes, shown.actions)
    chosen = queries.map_substances(substance)
    context["maps"] = [(s, heading, tilemap.tiles(shown.rows, s)) for s, heading in chosen.items()]
    if substance is not None:
        context["substances"] = [substance]
    return _render(
        request,
        "serve_index.html.j2",
        day,
        **context,
        chosen=substance,
        every_substance=list(Substance),
        api_query=urlencode({"as_of": day.isoformat(), **({"substance": substance.value} if substance else {})}),
    )


def jurisdiction(request: Request, store: Store, day: date, code: str) -> str:
    """`/jurisdictions/{code}`: the report's page for one jurisdiction on `day`."""
    shown, page = queries.page(store, day, code)
    base = str(request.scope.get("root_path", "")).rstrip("/")
    return _render(
        request,
        "serve_jurisdiction.html.j2",
        day,
        run=shown.run,
        page=page,
        actions={a.notice: a for a in shown.actions},
        archived=lambda archive: archived_copy(archive, _archive_url()),
        home_href=f"{base}/?{urlencode({'as_of': day.isoformat()})}",
        api_href=f"{base}/api/jurisdictions/{quote(code, safe=':')}?{urlencode({'as_of': day.isoformat()})}",
    )


def _archive_url() -> str | None:
    """Where the WARC archive is published, if that is absolute (a report's relative one means nothing here)."""
    url = settings.archive_url()
    return url if url and ("://" in url or url.startswith("/")) else None


def unsubscribe(request: Request, token: str, found: Subscriber | None, *, done: bool) -> str:
    return _render(
        request,
        "unsubscribe.html.j2",
        None,
        token=token,
        who=label(found.email) if found else None,
        done=done,
    )


def error(request: Request, status: int, message: str) -> str:
    return _render(request, "error.html.j2", None, status=status, message=message)


def docs(request: Request) -> str:
    return _render(request, "docs.html.j2", None)
