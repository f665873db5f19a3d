"""Reliability round 2, the store and its inputs: poison notices, lengths PostgreSQL refuses, a stray newline,
alerts that survive a failed report, concurrent runs and migrations, duplicate ids, a deleted store,
an effective date long before publication."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from regwatch.errors import BadInput
from regwatch.inputs.jsonl import read_notices

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
