"""Country names in running text -> ISO 3166-1 alpha-2 codes (pycountry, plus the names Wikipedia uses)."""

from __future__ import annotations

import re
from functools import cache

import pycountry

# Everyday names that pycountry spells otherwise ("Viet Nam", "Korea, Republic of", "Türkiye").
ALIASES = {
    "United States": "US", "USA": "US", "U.S.": "US",
    "United Kingdom": "GB", "UK": "GB", "Britain": "GB", "England": "GB", "Scotland": "GB", "Wales": "GB",
    "Russia": "RU", "South Korea": "KR", "North Korea": "KP", "Vietnam": "VN", "Laos": "LA", "Iran": "IR",
    "Syria": "SY", "Turkey": "TR", "Czech Republic": "CZ", "Taiwan": "TW", "Bolivia": "BO",
    "Venezuela": "VE", "Tanzania": "TZ", "Moldova": "MD", "Brunei": "BN", "Burma": "MM",
    "The Netherlands": "NL", "Holland": "NL", "Ivory Coast": "CI",
}  # fmt: skip


@cache
def _names() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern of every name, longest first (so "South Korea" wins over "Korea")."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                names[value] = country.alpha_2
    names.update(ALIASES)
    ordered = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in ordered) + r")(?![\w])")
    return pattern, names


# Country names that are also US states: in text about the US they mean the state.
US_STATE_NAMES = {"Georgia"}


def countries_named(text: str) -> list[str]:
    """ISO codes of the countries `text` names, in order of first mention, each once."""
    pattern, names = _names()
    codes: list[str] = []
    for match in pattern.finditer(text or ""):
        code = names[match.group(1)]
        if match.group(1) in US_STATE_NAMES and "US" in codes:
            continue
        if code not in codes:
            codes.append(code)
    return codes


def country_code(name: str) -> str | None:
    """The ISO code of a country name ("Thailand" -> "TH"), or None."""
    found = countries_named(name)
    return found[0] if found else None
