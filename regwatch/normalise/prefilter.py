"""A cheap test before each rule pattern: the literal text any match must contain.

`\\boutlaw` cannot match a text without "outlaw", and `(kratom|ketum)[^.;]{0,80}\\bban` none without
"kratom" or "ketum". A substring test (`in`) costs a fraction of a regex search, and most patterns miss
most texts, so checking the literals first skips most searches without changing any result: a text
lacking every literal cannot match, and a text holding one is still searched by the pattern itself.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

# Shorter literals ("7", "oh") are in nearly every text: testing them first would only add work.
MIN_LITERAL = 3
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Strings one of which every match of `pattern` contains, or None when none is known."""
    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & (re.IGNORECASE | re.LOCALE):
        return None  # literals would have to be compared case-blind
    best = _best(_requirements(parsed.data))
    if best is None or min(len(s) for s in best) < MIN_LITERAL:
        return None
    return tuple(sorted(best))


def could_match(needles: tuple[str, ...] | None, text: str) -> bool:
    """False only when `text` holds none of the needles, so the pattern surely misses it."""
    if needles is None:
        return True
    for needle in needles:  # noqa: SIM110 (a plain loop: measured cheaper than any() over a generator)
        if needle in text:
            return True
    return False


def _requirements(items: Any) -> list[frozenset[str]]:
    """Sets of strings, each such that every match of the sequence `items` contains one of its strings."""
    found: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in items:
        if op is sre.LITERAL:
            run.append(chr(arg))
            continue
        if run:  # consecutive literals match as one contiguous string
            found.append(frozenset(["".join(run)]))
            run = []
        if op is sre.SUBPATTERN:
            _group, add_flags, _del_flags, body = arg
            if not add_flags & re.IGNORECASE:
                found += _requirements(body.data)
        elif op in _REPEATS and arg[0] >= 1:  # matched at least once, so its requirements hold
            found += _requirements(arg[2].data)
        elif op is sre.BRANCH:
            alternatives = [_best(_requirements(branch.data)) for branch in arg[1]]
            if all(alternative is not None for alternative in alternatives):
                found.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
        # Anything else (classes, anchors, look-arounds, optional parts) requires no particular text.
    if run:
        found.append(frozenset(["".join(run)]))
    return found


def _best(requirements: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective requirement: the one whose shortest string is longest."""
    if not requirements:
        return None
    return max(requirements, key=lambda options: (min(len(s) for s in options), -len(options)))
