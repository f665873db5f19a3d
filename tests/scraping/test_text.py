"""The spiders' text helpers: whitespace collapsed as a \\s+ regex collapses it, wrong types named."""

from __future__ import annotations

import re
import sys
from datetime import date

import pytest

from regwatch.scraping.text import clean, parse_date

# Every character str.isspace() calls whitespace (tabs, newlines, NBSP, the Unicode spaces, separators).
SPACES = [chr(cp) for cp in range(sys.maxunicode + 1) if chr(cp).isspace()]


def as_regex(text: str) -> str:
    """What clean() did before it was made cheaper: the reference it must keep matching."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("space", SPACES, ids=lambda s: f"U+{ord(s):04X}")
def test_clean_collapses_each_kind_of_whitespace_as_the_regex_does(space: str) -> None:
    text = f"{space}Kratom{space}{space}Consumer\u200bProtection{space}Act {space}"
    assert clean(text) == as_regex(text)
    assert clean(text).startswith("Kratom Consumer\u200bProtection Act")  # U+200B is not whitespace


@pytest.mark.parametrize("empty", [None, "", 0, [], {}])
def test_clean_reads_nothing_as_empty_text(empty: object) -> None:
    assert clean(empty) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "named"), [(1.5, "float 1.5"), ({"a": 1}, "dict {'a': 1}"), (b"x", "bytes b'x'")])
def test_clean_names_a_value_that_is_not_text(value: object, named: str) -> None:
    with pytest.raises(TypeError, match=f"^expected text, got {re.escape(named)}$"):
        clean(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2025-02-12", date(2025, 2, 12)),
        (" 2025-02-12T00:00:00+00:00", date(2025, 2, 12)),  # read from the cache as its cleaned text
        ("2025-02-12 ", date(2025, 2, 12)),
        ("July 1, 2026", date(2026, 7, 1)),
        ("07/01/2026", date(2026, 7, 1)),
        ("2025-02-30", None),
        ("0000-00-00", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_gives_the_same_day_read_again(value: str | None, day: date | None) -> None:
    assert parse_date(value) == day
    assert parse_date(value) == day  # the second reading is the cached one


def test_parse_date_names_a_value_that_is_not_text() -> None:
    with pytest.raises(TypeError, match="^expected text, got float 1.5$"):
        parse_date(1.5)  # type: ignore[arg-type]
