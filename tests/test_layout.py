"""The layout's rules (docs/architecture.md), checked over the source: who may import whom, who reads the
environment, and what no module may lean on."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REGWATCH = ROOT / "regwatch"

# Each package of regwatch and the packages it may import. A module at the top (settings, redact, errors, bulk)
# is a package of its own here. Arrows only go down this table, so the layout has no import cycle.
ALLOWED = {
    "settings": set(),
    "errors": set(),
    "redact": set(),
    "bulk": set(),
    "domain": {"errors"},
    "inputs": {"domain", "errors"},
    "normalise": {"domain", "bulk"},
    "evidence": {"errors", "redact"},
    "store": {"domain", "settings", "redact", "errors"},
    "scraping": {"domain", "evidence", "settings", "redact", "errors"},
    "reports": {"domain", "settings"},
    "notify": {"domain", "store", "reports", "settings", "redact", "errors"},
    "pipeline": {
        "domain", "inputs", "normalise", "evidence", "store", "scraping", "reports", "notify",
        "settings", "redact", "errors", "bulk",
    },
    "review": {"domain", "normalise", "store", "pipeline", "errors"},
    "cluster": {"pipeline", "store", "scraping", "settings", "redact", "errors"},
    "serve": {"domain", "store", "reports", "notify", "pipeline", "review", "settings", "errors"},
    "console": {"domain", "store", "reports", "errors"},
    "cli": {
        "domain", "inputs", "normalise", "store", "reports", "notify", "pipeline", "review", "serve", "console",
        "settings",
        "redact", "errors",
    },
    "__main__": {"cli"},
    "data": set(),
}  # fmt: skip


def modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(REGWATCH.rglob("*.py"))]


def package_of(path: Path) -> str:
    """`regwatch/domain/models.py` -> `domain`; `regwatch/settings.py` -> `settings`."""
    parts = path.relative_to(REGWATCH).with_suffix("").parts
    return parts[0]


def imported(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in the file, at any depth."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def test_regwatch_never_imports_the_spiders() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path, tree in modules()
        for line, name in imported(tree)
        if name == "spiders" or name.startswith("spiders.")
    ]
    assert offenders == []


def test_imports_between_packages_only_go_down_the_layers() -> None:
    offenders = []
    for path, tree in modules():
        here = package_of(path)
        for line, name in imported(tree):
            parts = name.split(".")
            if parts[0] != "regwatch" or len(parts) < 2:
                continue
            there = parts[1]
            if there != here and there in ALLOWED and there not in ALLOWED[here]:
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {here} imports {there}")
    assert offenders == []


def test_only_the_settings_module_reads_the_environment() -> None:
    offenders = []
    for path, tree in modules():
        if path == REGWATCH / "settings.py":
            continue
        for node in ast.walk(tree):
            reads = (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb")) or (
                isinstance(node, ast.ImportFrom)
                and node.module == "os"
                and {"environ", "getenv"} & {a.name for a in node.names}
            )
            if reads:
                offenders.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}")
    assert offenders == []


def test_no_private_cpython_modules() -> None:
    private = re.compile(r"^(re\._|sre_|_sre$|_thread$|importlib\._|_collections_abc$)")
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path, tree in modules()
        for line, name in imported(tree)
        if private.match(name)
    ]
    assert offenders == []


@pytest.mark.parametrize("folder", ["regwatch", "spiders", "dags", "demo", "benchmarks", "docs", "tests"])
def test_no_reference_to_files_outside_the_repository(folder: str) -> None:
    outside = re.compile(r"design\.md|facts\.md|\.\./shared|/work/")
    offenders = []
    for path in sorted((ROOT / folder).rglob("*")):
        if not path.is_file() or path.suffix not in (".py", ".md", ".yaml", ".html", ".json", ".j2", ".cfg"):
            continue
        if path in (ROOT / "tests" / "conftest.py", Path(__file__)):
            continue  # where the tests find the real recordings beside the checkout; this test's own pattern
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if outside.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert offenders == []
