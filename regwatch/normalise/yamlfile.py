"""The rule files' YAML, parsed by libyaml where PyYAML has it (its wheels do), else by PyYAML's own parser.

Both build the same objects through the same safe constructor (tests/normalise/test_yamlfile.py compares them
on every rule file); libyaml parses them about ten times faster, and the rules are loaded by every process
that classifies, so a daily build paid ~0.2 s of CPU for the pure-Python parser (benchmarks/README.md, round 4).
"""

from __future__ import annotations

from typing import Any

import yaml

LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """The YAML document in `text`, as `yaml.safe_load` reads it (what safe_load does, with LOADER)."""
    loader = LOADER(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
