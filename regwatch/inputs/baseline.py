"""The curated baseline (data/baseline/*.yaml): hand-checked, cited facts loaded as notices."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from importlib import resources

import yaml
from pydantic import ValidationError

from regwatch.domain.models import Curated, Notice
from regwatch.domain.vocab import DatePrecision
from regwatch.errors import BadInput, explain

SOURCE = "baseline"
# When the baseline files were last reviewed as a whole; an entry's own `as_of` overrides it.
REVIEWED = date(2026, 11, 24)
_CURATED_KEYS = {
    "measure",
    "substances",
    "provisions",
    "stage",
    "expires",
    "undated",
    "reliability",
    "sources",
    "note",
}
# `published` as the files may give it: a date, a month ("2019-07"), a year (2019), or unknown.
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
UNKNOWN_DATE = "unknown"
_NOTICE_KEYS = {"jurisdiction", "title", "kind", "identifier", "published", "effective", "text", "as_of"}


def baseline_notices() -> list[Notice]:
    """Every baseline entry as a Notice whose `curated` reading the rules take as written."""
    folder = resources.files("regwatch.data").joinpath("baseline")
    notices: list[Notice] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            notices.extend(_parse(entry.name, entry.read_text(encoding="utf-8")))
    return notices


def _parse(name: str, text: str) -> list[Notice]:
    items = yaml.safe_load(text) or []
    out = []
    for number, item in enumerate(items, start=1):
        try:
            out.append(to_notice(item))
        except ValidationError as exc:
            raise BadInput(f"baseline/{name} entry {number} ({item.get('jurisdiction', '?')}): {explain(exc)}") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise BadInput(f"baseline/{name} entry {number} ({item.get('jurisdiction', '?')}): {exc}") from exc
    return out


def to_notice(item: dict[str, object]) -> Notice:
    """One baseline entry -> a Notice with a stable id from jurisdiction, date and instrument."""
    unknown = set(item) - _CURATED_KEYS - _NOTICE_KEYS
    if unknown:
        raise KeyError(f"unknown keys {sorted(unknown)}; expected some of {sorted(_CURATED_KEYS | _NOTICE_KEYS)}")
    fields = {k: v for k, v in item.items() if k in _CURATED_KEYS}
    checked = item.get("as_of")
    checked_on = checked if isinstance(checked, date) else REVIEWED
    published, precision = parse_published(item.get("published", UNKNOWN_DATE), checked_on)
    if fields.get("measure") is None and not fields.get("provisions"):
        # "No kratom-specific law found" is a finding about the whole history up to the check, not
        # an event on the check date: it counts at every as-of date (a law, when found, overrides it).
        fields["undated"] = True
    if precision is None:
        # A fact whose start is unknown holds at every earlier as-of date, with `since` unknown; it is
        # not stamped with the day it was checked (which made every such fact look new on that day).
        fields["undated"] = True
    fields["precision"] = precision or DatePrecision.DAY
    curated = Curated.model_validate(fields)
    retrieved = datetime.combine(checked_on, time(), tzinfo=UTC)
    label = str(item.get("identifier") or item["title"])
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60]
    stage = curated.stage.value
    measure = curated.measure.value if curated.measure else "none"
    day = published.isoformat() if precision is not None else UNKNOWN_DATE
    return Notice(
        id=f"{SOURCE}:{item['jurisdiction']}:{day}:{measure}:{stage}:{slug}",
        jurisdiction=item["jurisdiction"],
        source=SOURCE,
        kind=item.get("kind", "other"),
        title=item["title"],
        text=str(item.get("text") or ""),
        url=curated.sources[0],
        published=published,
        identifier=item.get("identifier"),
        effective=item.get("effective"),
        retrieved=retrieved,
        curated=curated,
    )


def parse_published(value: object, checked: date) -> tuple[date, DatePrecision | None]:
    """A baseline date and how much of it is known; an unknown date is the day of the check, precision None.

    A month or year is dated to its first day for ordering only: rows and reports show the precision.
    """
    if isinstance(value, datetime):
        return value.date(), DatePrecision.DAY
    if isinstance(value, date):
        return value, DatePrecision.DAY
    text = str(value).strip()
    if text.lower() == UNKNOWN_DATE:
        return checked, None
    if month := _MONTH.match(text):
        return date(int(month[1]), int(month[2]), 1), DatePrecision.MONTH
    if _YEAR.match(text):
        return date(int(text), 1, 1), DatePrecision.YEAR
    raise ValueError(f"published {value!r} is not a date, a month (YYYY-MM), a year (YYYY) or 'unknown'")
