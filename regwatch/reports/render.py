"""Jinja2 rendering of the run report (index, jurisdiction pages, Markdown), every scraped string escaped."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from functools import cache
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from regwatch.domain import jurisdictions
from regwatch.domain.changes import most_severe_first
from regwatch.domain.models import Action, Change, Run, StatusRow
from regwatch.domain.vocab import Measure, Severity, Status, Substance
from regwatch.reports import sections, tilemap, words
from regwatch.reports.pages import JurisdictionPage, archived_copy, page_href

_HTML_TEMPLATES = (".html.j2", ".svg.j2")


@cache
def environment() -> Environment:
    """The template environment: HTML templates autoescaped, Markdown escaped by the `md` filters."""
    env = Environment(
        loader=PackageLoader("regwatch.reports", "templates"),
        # select_autoescape(["html"]) matches names ending in ".html" only, not "index.html.j2":
        # decide by our own suffixes so every HTML template escapes.
        autoescape=lambda name: bool(name and name.endswith(_HTML_TEMPLATES)),
        undefined=StrictUndefined,  # a misspelt variable fails the render instead of printing nothing
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["place"] = jurisdictions.label
    env.filters["md"] = markdown_text
    env.filters["md_url"] = markdown_url
    env.filters["web_url"] = web_url
    env.filters["url_label"] = url_label
    env.filters["since"] = words.since
    env.filters["dated"] = words.dated
    env.filters["reliability"] = words.reliability
    env.filters["evidence"] = words.evidence
    env.filters["marks"] = words.cell_marks
    env.filters["status_words"] = words.status_words
    env.filters["substances"] = words.substances
    env.filters["change_evidence"] = words.change_evidence
    env.globals["REPORTED"] = words.REPORTED
    env.globals["STYLES"] = tilemap.STATUS_STYLES
    env.globals["Status"] = Status
    env.globals["Measure"] = Measure
    env.globals["page_href"] = page_href
    return env


def index_context(
    run: Run,
    rows: list[StatusRow],
    changes: list[Change],
    actions: list[Action],
    horizon: timedelta = sections.HORIZON,
) -> dict[str, object]:
    """What index.html and report.md show, from the run's models."""
    by_notice = {a.notice: a for a in actions}
    nations, states, others = sections.split_places(sections.by_place(rows), list(tilemap.GRID))
    ordered = most_severe_first(changes)
    return {
        "run": run,
        "rows": rows,
        "changes": ordered,
        "severity_counts": [(s, n) for s in Severity if (n := Counter(c.severity for c in ordered)[s])],
        "actions": by_notice,
        "failed": sections.failed_sources(run.health),
        "skipped": [h for h in run.health if h.skipped],
        "maps": [
            (substance, heading, tilemap.tiles(rows, substance))
            for substance, heading in tilemap.MAP_SUBSTANCES.items()
        ],
        "viewbox": tilemap.viewbox(),
        "statuses": list(Status),
        "substances": [s for s in Substance if any(r.substance is s for r in rows)] or list(tilemap.MAP_SUBSTANCES),
        "nations": nations,
        "states": states,
        "others": others,
        "pending": sections.pending_bills(rows, by_notice),
        "upcoming": sections.upcoming(rows, by_notice, run.as_of, horizon),
        "horizon_days": horizon.days,
    }


def render_markdown(
    run: Run, rows: list[StatusRow], changes: list[Change], actions: list[Action], horizon: timedelta = sections.HORIZON
) -> str:
    """report.md: the same sections as the index, as Markdown tables."""
    return environment().get_template("report.md.j2").render(**index_context(run, rows, changes, actions, horizon))


def render_index(
    run: Run, rows: list[StatusRow], changes: list[Change], actions: list[Action], horizon: timedelta = sections.HORIZON
) -> str:
    """index.html: changes first, then failed sources, maps, tables, pending and upcoming."""
    return environment().get_template("index.html.j2").render(**index_context(run, rows, changes, actions, horizon))


def render_page(run: Run, page: JurisdictionPage, actions: list[Action], archive_url: str | None) -> str:
    """One jurisdiction's page, under j/."""
    return (
        environment()
        .get_template("jurisdiction.html.j2")
        .render(
            run=run,
            page=page,
            actions={a.notice: a for a in actions},
            archived=lambda archive: archived_copy(archive, archive_url),
        )
    )


def web_url(url: str | None) -> str | None:
    """The URL if a browser may follow it (http or https); None for javascript:, data: and the like."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def url_label(url: str, width: int = 48) -> str:
    """A URL shortened for a table cell: host and path without the scheme, cut at `width` characters."""
    label = url.split("://", 1)[-1].removeprefix("www.")
    return label if len(label) <= width else label[: width - 1] + "…"


def markdown_text(text: object) -> str:
    """Scraped text in Markdown: no raw HTML, no table breaks, no line breaks."""
    value = " ".join(str(text or "").split())
    for ch in "\\`*_{}[]<>|#":
        value = value.replace(ch, "\\" + ch)
    return value


def markdown_url(url: str | None) -> str:
    """A URL as a Markdown autolink, or as escaped text when it is not a web URL.

    Backslash escapes do not work inside an autolink, so the characters that could end it or a table
    cell (`<`, `>`, `|`, spaces) are percent-encoded instead.
    """
    href = web_url(url)
    if href is None:
        return markdown_text(url)
    return "<" + quote(href, safe=":/?#[]@!$&'()*+,;=%~-._") + ">"
