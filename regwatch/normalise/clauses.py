"""A notice's title and text cut into clauses, so that each provision is read from the words that carry it.

A clause is a sentence, a part of one between semicolons, or a numbered sub-section ("(1) ...", "(c) ...",
"3. ..."). Sentences end at `.`, `!` or `?` followed by a capital letter, a digit or an opening bracket,
except after an abbreviation (U.S., H.B., No., Sec., Ky., ...). A sub-section keeps the lead-in it
completes ("A kratom retailer shall not: ... (c) Contains ..."), its `stem`, from which the verbs that
say what it governs are read. The splitter is a careful regular expression rather than a library: the
texts are legal English with few sentence forms, and a statistical splitter (pysbd, nltk punkt) costs a
dependency and a model load for no gain on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end with a full stop without ending a sentence (lower case, without the stop).
ABBREVIATIONS = frozenset(
    [
        "u.s",
        "u.s.c",
        "h.b",
        "s.b",
        "h.r",
        "h",
        "s",
        "no",
        "nos",
        "sec",
        "secs",
        "ky",
        "fla",
        "tex",
        "ala",
        "ark",
        "ariz",
        "cal",
        "calif",
        "colo",
        "conn",
        "del",
        "ga",
        "ill",
        "ind",
        "kan",
        "la",
        "mass",
        "md",
        "mich",
        "minn",
        "miss",
        "mo",
        "mont",
        "neb",
        "nev",
        "okla",
        "ore",
        "pa",
        "tenn",
        "va",
        "vt",
        "wash",
        "wis",
        "wyo",
        "st",
        "dr",
        "mr",
        "mrs",
        "ms",
        "jr",
        "inc",
        "co",
        "corp",
        "ltd",
        "e.g",
        "i.e",
        "etc",
        "vs",
        "v",
        "vol",
        "ch",
        "art",
        "para",
        "par",
        "subd",
        "cf",
        "al",
        "fig",
        "approx",
        "gov",
        "sen",
        "rep",
        "dept",
        "admin",
        "reg",
        "regs",
        "stat",
        "b.e",
        "o.s",
        "c.f.r",
        "fed",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
# A sentence ends at . ! or ? (and a closing quote or bracket) before white space and a capital, a digit
# or an opening bracket or quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]\u201d]?\s+(?=[A-Z0-9(\[\"\u201c])")
# A numbered or lettered sub-section opening after a colon, a semicolon or a sentence end, or opening
# with a capital letter: "(1) Distribute", "; (c) contains", "following: 1. A kratom product".
_MARK = r"\((?:\d{1,3}|[a-z]|[ivx]{1,4})\)\s"
_SUBSECTION = re.compile(
    rf"(?<=:)\s*(?={_MARK})"  # "shall not: (1) ..."
    rf"|\s+(?={_MARK}+[A-Z])"  # " (c) Contains ..."
    r"|(?<=:)\s+(?=\d{1,2}\.\s)"  # "the following: 1. A kratom product ..."
)
_CONNECTORS = frozenset({"or", "and", "and/or", "and or"})
# A piece ending in a bare list number ("the following: 1.", "Section 2.") goes on into the next one; a number
# that ends a sentence ("to individuals under the age of 21.") does not.
_LIST_NUMBER = re.compile(
    r"(?:^|[:;]\s*|\s(?:section|sec|article|art|chapter|ch|part|no|item|step|rule|title|subsection|paragraph|§)\s)"
    r"\d{1,2}\.$",
    re.IGNORECASE,
)
_LAST_WORD = re.compile(r"([A-Za-z.]+)\.[\"')\]\u201d]?$")
_INITIALS = re.compile(r"(?:[A-Za-z]\.){2,}[\"')\]\u201d]?$")


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause, and the lead-in (ending with a colon) it completes, if any."""

    text: str
    stem: str = ""


def split(text: str) -> list[str]:
    """Sentences, semicolon parts and sub-sections of `text`, in order, stripped, none empty."""
    parts: list[str] = []
    for sentence in _sentences(text):
        for piece in sentence.split(";"):
            for sub in _SUBSECTION.split(piece):
                sub = sub.strip()
                if sub and any(ch.isalnum() for ch in sub) and sub.lower() not in _CONNECTORS:
                    parts.append(sub)
    return parts


def clauses(title: str, text: str) -> list[Clause]:
    """The clauses of a notice: its title first, then its text; each sub-section with its lead-in."""
    out: list[Clause] = []
    stem = ""
    for part in [*split(title), *split(text)]:
        out.append(Clause(part, stem if _is_subsection(part) else ""))
        if part.rstrip().endswith(":"):
            stem = part
        elif not _is_subsection(part):
            stem = ""
    return out


def _is_subsection(part: str) -> bool:
    return bool(re.match(r"\((?:\d{1,3}|[a-z]|[ivx]{1,4})\)\s|\d{1,2}\.\s|(?:or|and) \(", part))


def _sentences(text: str) -> list[str]:
    """Cut at sentence ends, then join back the cuts that follow an abbreviation or initials."""
    pieces = _SENTENCE_END.split(text)
    out: list[str] = []
    for piece in pieces:
        if out and _ends_with_abbreviation(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _ends_with_abbreviation(sentence: str) -> bool:
    sentence = sentence.rstrip()
    if _INITIALS.search(sentence) or _LIST_NUMBER.search(sentence):
        return True
    match = _LAST_WORD.search(sentence)
    if match is None:
        return False
    word = match.group(1)
    return word.lower() in ABBREVIATIONS or len(word) == 1
