"""A user's mistake and a fault around the command line get one clear line and a non-zero exit, never a
traceback: usage errors, untrusted text, unknown jurisdictions, store and disk faults, refused mail."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def regwatch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m regwatch ARGS` as a user runs it (the environment is the test's, plus `env`)."""
    extra = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "regwatch", *args], capture_output=True, text=True, check=False, env=extra
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a failed command printed on stderr (fails the test on a traceback or several lines)."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


# 8. Usage errors --------------------------------------------------------------------------------------


USAGE_ERRORS = [  # (arguments, words the error line must name)
    (["status", "--format", "xml"], ["--format", "xml"]),
    (["changes", "--format", "yaml"], ["--format", "yaml"]),
    (["digest", "send", "--cadence", "hourly"], ["--cadence", "hourly"]),
    (["schema", "foo"], ["foo"]),
    (["--bogus"], ["--bogus"]),
    (["status", "--bogus"], ["--bogus"]),
    (["ingest"], ["file"]),
    (["digest", "send"], ["--cadence"]),
    (["frobnicate"], ["frobnicate"]),
]


@pytest.mark.parametrize(("args", "named"), USAGE_ERRORS, ids=[" ".join(args) for args, _ in USAGE_ERRORS])
def test_a_usage_error_is_one_line_and_exit_2(args: list[str], named: list[str]) -> None:
    result = regwatch(*args)
    line = one_error_line(result)
    assert result.returncode == 2
    for word in named:
        assert word in line


def test_no_arguments_prints_the_help_not_a_traceback() -> None:
    result = regwatch()
    assert "Traceback" not in result.stderr
    assert "Usage:" in result.stdout + result.stderr and "status" in result.stdout + result.stderr
