"""What a person types for a jurisdiction (`US-AL`, `us-al`, `Alabama`, `thailand`), read as its code.

Stored data only ever holds validated codes (regwatch.domain.jurisdictions); this is for input typed by hand,
where an unknown code must be an error that names it, never a filter that quietly matches nothing.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from functools import cache

import pycountry

from regwatch.domain import jurisdictions
from regwatch.domain.jurisdictions import UnknownJurisdiction
from regwatch.errors import BadInput


def resolve(text: str, option: str = "--jurisdiction") -> str:
    """The code `text` names: a code in any case, or the name of a nation or subdivision (ISO 3166).

    Raises BadInput naming `option` and `text`: with the codes to choose from when the name is shared
    (Georgia), with the closest names when there is none.
    """
    value = text.strip()
    try:
        return jurisdictions.validate(_code_case(value))
    except UnknownJurisdiction:
        pass
    codes = _by_name().get(value.casefold(), [])
    if len(codes) > 1:
        # The places regwatch watches first: "Florida" is the state, not Uruguay's department of that name;
        # "Georgia" stays a question (the nation or the state).
        watched = [code for code in codes if "-" not in code or code.startswith("US-")]
        codes = watched if len(watched) == 1 else codes
    if len(codes) == 1:
        return codes[0]
    if codes:
        choices = ", ".join(jurisdictions.label(code) for code in codes)
        raise BadInput(f"{_named(option, text)} names several jurisdictions: give the code of one of {choices}")
    hint = ", ".join(jurisdictions.label(code) for code in suggest(value))
    raise BadInput(
        f"{_named(option, text)} is not a jurisdiction: expected a code such as US-FL, TH or US-CA:san-diego, "
        f"or the name of a nation or state" + (f"; did you mean {hint}?" if hint else "")
    )


def resolve_pattern(text: str, option: str = "--jurisdiction") -> str:
    """A subscription filter typed by hand: a group (`US-*`, `us-*`) as it is, else what `resolve` reads."""
    value = text.strip()
    if value.endswith("-*"):
        return resolve(value[:-2], option) + "-*"
    return resolve(value, option)


def suggest(text: str, limit: int = 3) -> list[str]:
    """The codes nearest to a typo, best first: `US-ALA` -> US-AL; `alabma` -> US-AL; `ny` -> US-NY.

    A name is compared with names, a code with the codes of its nation (or with every nation's code);
    a bare two-letter US postal abbreviation is offered as its state, since `FL` alone is no nation.
    """
    value = text.strip()
    found: list[str] = []
    folded = value.casefold()
    for name in difflib.get_close_matches(folded, _by_name(), n=limit, cutoff=0.8):
        found += _by_name()[name]
    typed = _code_case(value).partition(":")[0]
    parent, dash, _ = typed.partition("-")
    if dash and len(parent) == 2:
        codes = sorted(s.code for s in pycountry.subdivisions.get(country_code=parent) or [])
        found += [c for c in codes if typed.startswith(c) or c.startswith(typed)]  # one letter too many or few
        found += difflib.get_close_matches(typed, codes, n=limit, cutoff=0.6)
    elif len(value) == 2 and value.isalpha():
        state = f"US-{value.upper()}"
        if _is_code(state):
            found.append(state)
    return list(dict.fromkeys(found))[:limit]


def _is_code(code: str) -> bool:
    try:
        jurisdictions.validate(code)
    except UnknownJurisdiction:
        return False
    return True


def _named(option: str, text: str) -> str:
    """ "--jurisdiction 'alabma'", or "'alabma'" where no option is named (a subscriber's entry)."""
    return f"{option} {text!r}" if option else repr(text)


def _code_case(value: str) -> str:
    """`us-ca:San-Diego` -> `US-CA:san-diego`: codes are upper case, locality slugs lower case."""
    parent, colon, slug = value.partition(":")
    return parent.upper() + colon + slug.lower()


@cache
def _by_name() -> dict[str, list[str]]:
    """Every nation's and subdivision's name, case-folded, with the codes it names (US federal as `US`)."""
    names: defaultdict[str, list[str]] = defaultdict(list)
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            shown = getattr(country, attribute, None)
            if shown and country.alpha_2 not in names[shown.casefold()]:
                names[shown.casefold()].append(country.alpha_2)
    for sub in pycountry.subdivisions:
        if sub.code not in names[sub.name.casefold()]:
            names[sub.name.casefold()].append(sub.code)
    return dict(names)
