"""Jinja2 rendering of the run report (Markdown and HTML), with every scraped string escaped."""

from __future__ import annotations

from collections import Counter
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from regwatch import jurisdictions
from regwatch.models import Action, Change, Run, StatusRow


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("regwatch.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["place"] = _place
    env.filters["md"] = _markdown_text
    return env


def context(run: Run, rows: list[StatusRow], changes: list[Change], actions: list[Action]) -> dict[str, object]:
    counts = Counter((r.substance.value, r.status.value) for r in rows)
    return {
        "run": run,
        "rows": rows,
        "changes": changes,
        "actions": {a.notice: a for a in actions},
        "counts": counts,
        "broken": [h for h in run.health if not h.ok],
    }


def render_markdown(run: Run, rows: list[StatusRow], changes: list[Change], actions: list[Action]) -> str:
    return environment().get_template("report.md.j2").render(**context(run, rows, changes, actions))


def render_html(run: Run, rows: list[StatusRow], changes: list[Change], actions: list[Action]) -> str:
    return environment().get_template("index.html.j2").render(**context(run, rows, changes, actions))


def _place(code: str | None) -> str:
    if not code:
        return ""
    try:
        return f"{jurisdictions.name(code)} ({code})"
    except ValueError:
        return code


def _markdown_text(text: object) -> str:
    """Scraped text in Markdown: no raw HTML, no table breaks, no line breaks."""
    value = " ".join(str(text or "").split())
    for ch in "\\`*_{}[]<>|#":
        value = value.replace(ch, "\\" + ch)
    return value
