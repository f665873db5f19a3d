"""The curated baseline (data/baseline/*.yaml): hand-checked, cited facts loaded as notices."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from importlib import resources

import yaml
from pydantic import ValidationError

from regwatch.domain.models import Curated, Notice
from regwatch.errors import BadInput, explain

SOURCE = "baseline"
# When the baseline files were last reviewed as a whole; an entry's own `as_of` overrides it.
REVIEWED = date(2026, 11, 24)
_CURATED_KEYS = {"measure", "substances", "stage", "expires", "undated", "reliability", "sources", "note"}
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
        except (KeyError, TypeError) as exc:
            raise BadInput(f"baseline/{name} entry {number} ({item.get('jurisdiction', '?')}): {exc}") from exc
    return out


def to_notice(item: dict[str, object]) -> Notice:
    """One baseline entry -> a Notice with a stable id from jurisdiction, date and instrument."""
    unknown = set(item) - _CURATED_KEYS - _NOTICE_KEYS
    if unknown:
        raise KeyError(f"unknown keys {sorted(unknown)}; expected some of {sorted(_CURATED_KEYS | _NOTICE_KEYS)}")
    fields = {k: v for k, v in item.items() if k in _CURATED_KEYS}
    if fields.get("measure") is None:
        # "No kratom-specific law found" is a finding about the whole history up to the check, not
        # an event on the check date: it counts at every as-of date (a law, when found, overrides it).
        fields["undated"] = True
    curated = Curated.model_validate(fields)
    checked = item.get("as_of")
    retrieved = datetime.combine(checked if isinstance(checked, date) else REVIEWED, time(), tzinfo=UTC)
    label = str(item.get("identifier") or item["title"])
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60]
    published = item["published"]
    stage = curated.stage.value
    measure = curated.measure.value if curated.measure else "none"
    return Notice(
        id=f"{SOURCE}:{item['jurisdiction']}:{published}:{measure}:{stage}:{slug}",
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
