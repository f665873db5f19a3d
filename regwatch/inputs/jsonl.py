"""Reading notices from JSON Lines: every line is checked before anything is stored."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from regwatch.domain.models import Notice
from regwatch.errors import BadInput, explain


def read_notices(path: Path) -> list[Notice]:
    """Every notice in a JSONL file, or BadInput naming each bad line (and nothing is returned)."""
    try:
        with path.open(encoding="utf-8") as handle:
            return parse_lines(handle, str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot be read: {exc}") from exc


def parse_lines(lines: Iterable[str], name: str) -> list[Notice]:
    notices: list[Notice] = []
    problems: list[str] = []
    seen: dict[str, tuple[int, str]] = {}  # id -> (first line, content hash)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line.strip())
        except json.JSONDecodeError as exc:
            problems.append(f"{name} line {number}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(data, dict):
            problems.append(f"{name} line {number}: expected a JSON object, got {type(data).__name__}")
            continue
        try:
            notice = Notice.model_validate(data)
        except ValidationError as exc:
            problems.append(f"{name} line {number}: {explain(exc)}")
            continue
        # One id with two contents in one file: which is right cannot be told (a ban bill was once lost
        # to a labelling bill this way), so the file is refused rather than the later line winning.
        first = seen.setdefault(str(notice.id), (number, notice.content_hash()))
        if first[1] != notice.content_hash():
            problems.append(f"{name} lines {first[0]} and {number}: the same id {notice.id!r} with different content")
        notices.append(notice)
    if problems:
        shown = "\n".join(problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise BadInput(f"{len(problems)} bad line(s); nothing was stored:\n{shown}{more}")
    return notices
