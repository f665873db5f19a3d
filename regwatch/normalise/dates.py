"""Dates named in notice text: "effective July 1, 2026", "takes effect on 2026-04-01"."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_DATE = r"(?P<iso>\d{4}-\d{2}-\d{2})|(?P<month>[a-z]{3,9})\.? (?P<day>\d{1,2}),? (?P<year>\d{4})"
_EFFECTIVE = re.compile(
    r"(effective|takes effect|take effect|shall become effective|in force|comes into force)"
    r"(?: date)?(?: on| as of| from)?:? (?:" + _DATE + ")"
)


def parse_date(match: re.Match[str]) -> date | None:
    """Turn one `_DATE` match into a date; None for an impossible date."""
    try:
        if match.group("iso"):
            return date.fromisoformat(match.group("iso"))
        month = _MONTHS.get(match.group("month"))
        if month is None:
            return None
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None


def effective_date(folded: str) -> date | None:
    """The first effective date the (lower-cased) text names, if any."""
    for match in _EFFECTIVE.finditer(folded):
        found = parse_date(match)
        if found is not None:
            return found
    return None
