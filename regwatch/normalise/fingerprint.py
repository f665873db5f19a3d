"""The rules' fingerprint: what a stored reading was made with, so that a change of the rules makes it stale.

It hashes the classifier's version, every rule data file (regwatch/data/rules, languages included) and the
source of the code that reads with them (regwatch/normalise, and the models and vocabulary an Action is
made of): an edited pattern, a new rule or a changed reader all change the fingerprint, and every reading
made before is classified again on the next run, without anyone having to remember to bump a number.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

# Bump to re-read every notice when the meaning of a reading changes in a way the files above do not show.
CLASSIFIER_VERSION = "1"


@cache
def rules_fingerprint() -> str:
    """The sha256 (hex) of the classifier version, the rule files and the reading code."""
    digest = hashlib.sha256(f"classifier {CLASSIFIER_VERSION}\n".encode())
    roots = [
        ("rules", resources.files("regwatch.data.rules"), ()),
        ("normalise", resources.files("regwatch.normalise"), ()),
        ("domain", resources.files("regwatch.domain"), ("models.py", "vocab.py")),
    ]
    for label, root, only in roots:
        for name, item in sorted(_files(root, "")):
            if name.endswith((".yaml", ".py")) and (not only or name in only):
                digest.update(f"{label}/{name}\n".encode())
                digest.update(item.read_bytes())
    return digest.hexdigest()


def _files(folder: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for item in folder.iterdir():
        if item.is_dir():
            if item.name != "__pycache__":
                out.extend(_files(item, f"{prefix}{item.name}/"))
        else:
            out.append((f"{prefix}{item.name}", item))
    return out
