"""Fixtures of the report tests: the sample run and its written report folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reports.report_sample import Sample, build_sample


@pytest.fixture
def sample() -> Sample:
    return build_sample()


@pytest.fixture
def written(sample: Sample, tmp_path: Path) -> Path:
    """The sample's report folder, written under tmp_path/reports."""
    return sample.write(tmp_path / "reports")
