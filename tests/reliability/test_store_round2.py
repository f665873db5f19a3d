"""Reliability round 2, the store and its inputs: poison notices, lengths PostgreSQL refuses, a stray newline,
alerts that survive a failed report, concurrent runs and migrations, duplicate ids, a deleted store,
an effective date long before publication."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from regwatch.domain.models import Notice
from regwatch.errors import BadInput
from regwatch.inputs.jsonl import read_notices
from regwatch.store import Store

BILL: dict[str, Any] = {
    "jurisdiction": "US-RI",
    "source": "openstates",
    "kind": "bill",
    "title": "Kratom Consumer Protection Act",
    "text": "Regulates kratom products.",
    "published": "2026-08-20",
    "identifier": "H 5565",
    "actions": [{"date": "2026-08-20", "description": "Introduced"}],
}


def jsonl(path: Path, *lines: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


# 15: a trailing newline in a locality slug -------------------------------------------------------------


def test_a_trailing_newline_in_a_locality_is_refused(tmp_path: Path) -> None:
    file = jsonl(tmp_path / "n.jsonl", {**BILL, "jurisdiction": "US-CA:san-diego\n"})
    with pytest.raises(BadInput, match=r"line 1: jurisdiction: 'US-CA:san-diego\\n'"):
        read_notices(file)


# 13: lengths PostgreSQL's columns refuse ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("id", "x" * 201, 200),
        ("source", "s" * 61, 60),
        ("jurisdiction", "US-CA:" + "-".join(["san"] * 19), 80),  # a valid slug, 81 characters in all
    ],
)
def test_values_longer_than_their_columns_are_refused_naming_the_line(
    store: Store, tmp_path: Path, field: str, value: str, limit: int
) -> None:
    file = jsonl(tmp_path / "n.jsonl", BILL, {**BILL, "identifier": "H 2", field: value})
    with pytest.raises(BadInput, match=rf"line 2: {field}: .*at most {limit} characters"):
        read_notices(file)
    assert store.count_notices() == 0
    assert len(Notice.model_validate(BILL).id or "") <= 200  # a derived id always fits
