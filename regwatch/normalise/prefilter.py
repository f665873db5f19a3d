"""A cheap test before each rule pattern: the literal text any match must contain, declared beside it.

`\\boutlaw` cannot match a text without "outlaw", nor `\\bwithdr(aw|ew)\\b` one without "withdr". A
substring test (`in`) costs a fraction of a regex search, and most patterns miss most texts, so testing
a pattern's literals first skips most searches without changing any result: a text lacking every literal
cannot match, and a text holding one is still searched by the pattern itself.

The literals are written by hand in measures.yaml (`needs`), because Python offers no public way to read
them out of a pattern. tests/benchmarks/test_optimisations.py checks every declaration against every
match of its pattern, in real texts and in texts generated from the pattern, so a wrong one fails there.
"""

from __future__ import annotations

import re

# Characters with a meaning in a regular expression: a pattern with none of them is plain text.
_REGEX_SYNTAX = frozenset(".^$*+?{}[]\\|()")


def is_plain_text(pattern: str) -> bool:
    """Whether the pattern matches exactly its own text, so that `in` can stand for the search."""
    return not _REGEX_SYNTAX.intersection(pattern)


class Search:
    """One rule pattern ready to search: its needles tested first, the regex only if one is there."""

    __slots__ = ("needs", "regex", "text")
    needs: tuple[str, ...]
    regex: re.Pattern[str] | None

    def __init__(self, pattern: str, needs: tuple[str, ...] = ()) -> None:
        self.text = pattern
        if is_plain_text(pattern):
            self.needs, self.regex = (pattern,), None  # the needle is the whole pattern
        else:
            self.needs, self.regex = needs, re.compile(pattern)

    def found(self, folded: str) -> bool:
        """Whether the pattern matches somewhere in the (folded) text."""
        if self.needs and not holds_one(self.needs, folded):
            return False
        return self.regex is None or self.regex.search(folded) is not None


def holds_one(needles: tuple[str, ...], text: str) -> bool:
    """Whether `text` contains one of the needles."""
    for needle in needles:  # noqa: SIM110 (a plain loop: measured cheaper than any() over a generator)
        if needle in text:
            return True
    return False
