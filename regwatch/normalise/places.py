"""Which places a clause names, and whether they are the notice's own.

A news text filed under one place often retells another place's law ("Alabama banned kratom in 2016"
inside a Texas story, "Kratom is illegal in Vermont, Indiana, Tennessee, Arkansas and Wisconsin" in an
explainer). The reading (reading.py) asks two things of a clause that acts:

- `elsewhere`: it names places, and none of them is the notice's own, its parent or one of its parts. A
  notice filed under `US` that tells of a state's act is not news of elsewhere (the state is a part of the
  United States), nor is a city's notice that names its state; a county's notice that tells of another
  county's ban is ("In 2022, Ascension Parish banned the sale of kratom" in East Feliciana Parish's news).
- `survey`: it names three places or more, none the notice's own: a list of the law in several places is
  background, whoever files it ("six states ban it").

Places are US states (and DC) by their English names, and nations by the names pycountry knows, less the
names that are also common words or US states ("Georgia", "Jordan", "Chad", "Turkey"). Names are matched
in folded text (rules.fold_text), whole words only.
"""

from __future__ import annotations

import re
from functools import cache

import pycountry

from regwatch.domain.jurisdictions import country_of, parent_of

# Nation names that read as something else in English news: a US state, a person's name, a bird, a word.
_NATION_NAMES_SKIPPED = frozenset(
    {"georgia", "jordan", "chad", "turkey", "niger", "guinea", "dominica", "mali", "oman", "peru", "cuba"}
)
# Names under which news writes some nations (pycountry's official names are rarely used).
_NATION_ALIASES = {
    "united states": "US",
    "america": "US",
    "u.s.": "US",
    "usa": "US",
    "britain": "GB",
    "england": "GB",
    "uk": "GB",
    "russia": "RU",
    "south korea": "KR",
    "vietnam": "VN",
    "laos": "LA",
    "myanmar": "MM",
    "iran": "IR",
    "syria": "SY",
    "taiwan": "TW",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
}
# Words that hold a state's name without naming the state: a city of another state, a paper, a team.
_NOT_A_STATE = re.compile(
    r"\b(kansas city|missouri independent|oklahoma city|jersey city|iowa city|virginia beach|indiana university"
    r"|texas tech|washington post|washington,? d\.?c\.?|new york times|carson city|nevada city)\b"
)
# "Washington" alone is the federal government as often as the state; only "Washington state" names it.
_WASHINGTON_STATE = re.compile(r"\bwashington state\b|\bstate of washington\b")


@cache
def _names() -> tuple[dict[tuple[str, ...], str], dict[str, tuple[int, ...]]]:
    """Every place name as a tuple of its words, with its jurisdiction code; and, by a name's first word, the
    lengths (in words) of the names it begins, longest first."""
    codes: dict[str, str] = {}
    for sub in pycountry.subdivisions.get(country_code="US"):
        if sub.type in ("State", "District"):
            codes[str(sub.name).lower()] = str(sub.code)
    codes.pop("washington", None)
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            name = getattr(country, attr, None)
            if name and "," not in name and "(" not in name:
                folded = str(name).lower()
                if folded not in _NATION_NAMES_SKIPPED and folded not in codes:
                    codes[folded] = str(country.alpha_2)
    codes.update(_NATION_ALIASES)
    by_words = {tuple(_WORD.findall(name)): code for name, code in codes.items()}
    sizes: dict[str, set[int]] = {}
    for words in by_words:
        sizes.setdefault(words[0], set()).add(len(words))
    return by_words, {first: tuple(sorted(n, reverse=True)) for first, n in sizes.items()}


# Place names are matched word by word, letters only ("u.s." is "u s", "guinea-bissau" is "guinea bissau"): a
# lookup per run of words, where one alternation of every name cost ~0.3 ms a clause.
_WORD = re.compile(r"[a-z]+")
# Where the plant grows or comes from names places that do nothing ("a natural substance grown primarily in
# Southeast Asia", "native to Thailand, Malaysia, Indonesia"): the rest of such a phrase is not read for places.
_ORIGIN = re.compile(
    r"\b(grown|grows|native|indigenous|originat(es|ed|ing)|imported|comes?|came|derived|sourced|harvested"
    r"|cultivated|exported|traditionally used)\b[^.;]{0,160}"
)


# Substrings without which the two patterns above cannot match: most clauses are spared the search.
_NOT_A_STATE_NEEDLES = ("city", "independent", "university", "tech", "post", "times", "d.c", "dc", "beach")
_ORIGIN_NEEDLES = (
    *("grow", "native", "indigenous", "originat", "import", "come", "came", "derived", "sourced"),
    *("harvested", "cultivated", "exported", "traditionally used"),
)


def places_named(folded: str) -> frozenset[str]:
    """The jurisdiction codes of the places a folded clause names (not where the plant comes from)."""
    text = folded
    if any(n in text for n in _NOT_A_STATE_NEEDLES):
        text = _NOT_A_STATE.sub(" ", text)
    if any(n in text for n in _ORIGIN_NEEDLES):
        text = _ORIGIN.sub(" ", text)
    by_words, sizes = _names()
    words = _WORD.findall(text)
    found = set()
    start = 0
    while start < len(words):
        step = 1
        for size in sizes.get(words[start], ()):  # the longest name first: "west virginia" is not "virginia"
            code = by_words.get(tuple(words[start : start + size]))
            if code is not None:
                found.add(code)
                step = size
                break
        start += step
    if "washington" in text and _WASHINGTON_STATE.search(text):
        found.add("US-WA")
    return frozenset(found)


# "Ascension Parish", "Pontotoc County", "the City of Alton": a county, parish or city named in a clause. Its
# name is the word before "county" ("ascension"), with the word before that where it begins a name ("st.
# charles", "east feliciana"); a word that only points at one ("the county", "each county") names none.
_LOCALITY = re.compile(
    r"\b(?:([a-z.\x27\u2019-]+) )?([a-z.\x27\u2019-]+) (?:county|parish)\b"
    r"|\b(?:city|town|village) of (?:([a-z.\x27\u2019-]+) )?([a-z.\x27\u2019-]+)"
)
_NAME_STARTS = frozenset(
    {"st.", "st", "saint", "san", "santa", "los", "las", "la", "el", "le", "de", "del", "des", "fort", "port", "mount"}
    | {"mt.", "new", "north", "south", "east", "west", "upper", "lower", "palm", "grand", "green", "little", "big"}
)
_NOT_A_NAME = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "each", "every", "any", "other", "another", "said", "one"}
    | {"neighboring", "neighbouring", "local", "entire", "whole", "and", "or", "in", "of", "to", "for", "by", "at"}
    | {"from", "with", "its", "their", "our", "his", "her", "whose", "which", "same", "home", "rural", "per"}
    | {"unincorporated", "throughout", "across", "within", "large", "small", "dry", "adjoining", "nearby"}
    | {"surrounding"}
)


_LOCALITY_NEEDLES = ("county", "parish", "city of", "town of", "village of")


def localities_named(folded: str) -> frozenset[str]:
    """The names of the counties, parishes and cities a folded clause names ("ascension", "st. charles")."""
    if not any(n in folded for n in _LOCALITY_NEEDLES):
        return frozenset()
    names = set()
    for match in _LOCALITY.finditer(folded):
        first, last = (match.group(1), match.group(2)) if match.group(2) else (match.group(3), match.group(4))
        if match.group(4) and first and first not in _NAME_STARTS:
            first, last = None, first  # "the city of alton formally": the name is the word after "of"
        if last is None or last in _NOT_A_NAME or last.isdigit():
            continue
        names.add(f"{first} {last}" if first in _NAME_STARTS else last)
    return frozenset(names)


def _same_locality(name: str, own: str) -> bool:
    """Whether a locality named in a clause is the one a notice is filed under (`US-LA:east-feliciana-parish`)."""
    slug = own.split(":", 1)[1] if ":" in own else ""
    return bool(slug) and name.replace(".", "").replace(" ", "-") in slug


def _family(own: str) -> frozenset[str]:
    """The codes a notice filed under `own` speaks for: itself, the places above it, and its nation."""
    codes = {own, country_of(own)}
    parent = parent_of(own)
    while parent is not None:
        codes.add(parent)
        parent = parent_of(parent)
    return frozenset(codes)


def is_own(place: str, own: str) -> bool:
    """Whether a place named in a notice filed under `own` is that notice's own (itself, above it or in it)."""
    return place in _family(own) or place.startswith((own + "-", own + ":"))


def elsewhere(places: frozenset[str], own: str | None, localities: frozenset[str] = frozenset()) -> bool:
    """Whether a clause naming `places` (codes) and `localities` (names) tells of other places only; never
    when the notice's place is unknown. A county or city named in a state's or a nation's notice is taken
    to lie within it; in a locality's notice, another locality is elsewhere."""
    if own is None or any(is_own(p, own) for p in places):
        return False
    local = ":" in own
    if local and any(_same_locality(n, own) for n in localities):
        return False
    return bool(places) or (local and bool(localities))


# A list of this many places, none the notice's own, tells of the law across places: background.
SURVEY_PLACES = 3


def survey(places: frozenset[str], own: str | None) -> bool:
    """Whether a clause lists the law of several places other than the notice's own."""
    others = [p for p in places if own is None or p != own]
    return len(others) >= SURVEY_PLACES and (own is None or own not in places)
