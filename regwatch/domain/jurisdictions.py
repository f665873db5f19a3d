"""Jurisdiction codes: ISO 3166-1 nations, ISO 3166-2 subdivisions, `US` federal, `PARENT:slug` localities."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pycountry

# US territories have their own ISO 3166-1 codes as well; regwatch files them under US-XX.
US_TERRITORIES = ("US-AS", "US-GU", "US-MP", "US-PR", "US-UM", "US-VI")
# fullmatch, not match with `$`: `$` also matches before a trailing newline, and "san-diego\n" is a second city.
_LOCALITY_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A slug becomes part of a report's file name (US-CA_<slug>.html); 300 characters broke page writing
# ("File name too long"). 60 keeps every PARENT:slug code within the store's 80-character column.
SLUG_LENGTH = 60


class UnknownJurisdiction(ValueError):
    """A code that is not ISO 3166-1, ISO 3166-2 or a PARENT:slug locality."""


@cache
def _subdivision(code: str) -> Any:
    return pycountry.subdivisions.get(code=code)


@cache
def name(code: str) -> str:
    """The human name of a jurisdiction code: `US-LA` -> `Louisiana`, `US` -> `United States (federal)`."""
    code = validate(code)
    if ":" in code:
        parent, slug = code.split(":", 1)
        return f"{slug.replace('-', ' ').title()}, {name(parent)}"
    if code == "US":
        return "United States (federal)"
    if "-" in code:
        sub = _subdivision(code)
        return str(sub.name)
    country = pycountry.countries.get(alpha_2=code)
    if country is None:  # validate() let it through: an ISO 3166-1 code pycountry has no record of
        raise UnknownJurisdiction(f"{code!r} is not an ISO 3166-1 alpha-2 code")
    return str(getattr(country, "common_name", None) or country.name)


def display_name(code: str) -> str:
    """The name of a code, or the code itself where it names no jurisdiction: a report never fails on a name."""
    try:
        return name(code)
    except ValueError:
        return code


def label(code: str | None) -> str:
    """`US-FL` -> `Florida (US-FL)`: the name readers know and the code they filter by; "" for no code."""
    if not code:
        return ""
    shown = display_name(code)
    return code if shown == code else f"{shown} ({code})"


def validate(code: str) -> str:
    """Return `code` if it names a jurisdiction; raise UnknownJurisdiction naming it otherwise."""
    if not isinstance(code, str) or not code:
        raise UnknownJurisdiction(f"{code!r} is not a jurisdiction code")
    if ":" in code:
        parent, slug = code.split(":", 1)
        validate(parent)
        if not _LOCALITY_SLUG.fullmatch(slug):
            raise UnknownJurisdiction(
                f"{code!r}: a locality is PARENT:slug with a lowercase slug such as US-CA:san-diego"
            )
        if len(slug) > SLUG_LENGTH:
            raise UnknownJurisdiction(f"{code[:40]!r}...: a locality slug has at most {SLUG_LENGTH} characters")
        return code
    if code != code.upper():
        raise UnknownJurisdiction(f"{code!r}: jurisdiction codes are upper case, as in {code.upper()!r}")
    if "-" in code:
        if _subdivision(code) is None:
            raise UnknownJurisdiction(f"{code!r} is not an ISO 3166-2 code")
        return code
    if len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None:
        return code
    raise UnknownJurisdiction(f"{code!r} is not an ISO 3166-1 alpha-2 code")


def country_of(code: str) -> str:
    """The nation a jurisdiction belongs to: `US-CA:san-diego` -> `US`."""
    return code.split(":", 1)[0].split("-", 1)[0]


def parent_of(code: str) -> str | None:
    """The enclosing jurisdiction: locality -> state, state -> nation, nation -> None."""
    if ":" in code:
        return code.split(":", 1)[0]
    if "-" in code:
        return code.split("-", 1)[0]
    return None


def us_states_and_territories() -> list[str]:
    """Every US state, DC and the inhabited territories, as ISO 3166-2 codes, sorted."""
    codes = {s.code for s in pycountry.subdivisions.get(country_code="US")}
    return sorted(codes)


def matches(pattern: str, code: str) -> bool:
    """Whether `code` falls under a filter: exact, `US-*` (every subdivision), or a parent of a locality."""
    if pattern == code:
        return True
    if pattern.endswith("*"):
        return code.startswith(pattern[:-1]) and code != pattern[:-2]
    return code.startswith(pattern + ":")
