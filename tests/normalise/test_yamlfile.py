"""The rule files read by the loader the classifier uses are what PyYAML's own safe loader reads."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from regwatch.normalise import yamlfile

RULES = resources.files("regwatch.data.rules")
FILES = sorted(
    (
        item
        for folder in (RULES, *(f for f in RULES.iterdir() if f.is_dir()))
        for item in folder.iterdir()
        if item.name.endswith(".yaml")
    ),
    key=str,
)


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    assert yamlfile.LOADER is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)


@pytest.mark.parametrize("item", FILES, ids=lambda item: item.name)
def test_each_rule_file_reads_as_the_safe_loader_reads_it(item: resources.abc.Traversable) -> None:
    text = item.read_text(encoding="utf-8")
    assert yamlfile.load(text) == yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506


def test_every_rule_file_is_compared() -> None:
    assert len(FILES) >= 30  # measures, substances, details, reports, stages and the languages' tables
