"""Jurisdiction codes from ISO 3166 (pycountry), US federal, and PARENT:slug localities."""

from __future__ import annotations

import pytest

from regwatch.domain import jurisdictions as j
from regwatch.domain import places
from regwatch.errors import BadInput


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("US", "United States (federal)"),
        ("US-LA", "Louisiana"),
        ("US-DC", "District of Columbia"),
        ("US-PR", "Puerto Rico"),
        ("TH", "Thailand"),
        ("GB", "United Kingdom"),
        ("US-CA:san-diego", "San Diego, California"),
    ],
)
def test_names(code: str, name: str) -> None:
    assert j.name(code) == name


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("US-XX", "'US-XX' is not an ISO 3166-2 code"),
        ("XX", "'XX' is not an ISO 3166-1 alpha-2 code"),
        ("us-ca", "upper case"),
        ("US-CA:San Diego", "lowercase slug"),
        ("", "is not a jurisdiction code"),
    ],
)
def test_unknown_codes_are_named(code: str, message: str) -> None:
    with pytest.raises(j.UnknownJurisdiction, match=message):
        j.validate(code)


def test_us_subdivisions_include_states_dc_and_territories() -> None:
    codes = j.us_states_and_territories()
    assert {"US-DC", "US-PR", "US-GU", "US-VI", "US-AS", "US-MP"} <= set(codes) and len(codes) == 57


@pytest.mark.parametrize(
    ("pattern", "code", "expected"),
    [
        ("US-*", "US-FL", True),
        ("US-*", "US", False),
        ("US-*", "TH", False),
        ("US-CA", "US-CA:san-diego", True),
        ("US-FL", "US-FL", True),
        ("US-FL", "US-FLX", False),
    ],
)
def test_filter_patterns(pattern: str, code: str, expected: bool) -> None:
    assert j.matches(pattern, code) is expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("alabama", "US-AL"),
        ("us-al", "US-AL"),
        ("Alabama", "US-AL"),
        ("thailand", "TH"),
        ("us-ca:San-Diego", "US-CA:san-diego"),
    ],
)
def test_typed_names_and_lower_case_resolve(typed: str, code: str) -> None:
    assert places.resolve(typed) == code


@pytest.mark.parametrize(
    ("typed", "nearest"),
    [
        ("US-ALA", ["US-AL", "US-LA", "US-WA"]),  # a letter too many: the code it starts with first
        ("alabma", ["US-AL", "GN-DL", "RO-AB"]),  # a misspelt name: the names nearest to it
        ("ny", ["US-NY"]),  # a US postal abbreviation, which is no nation's code
        ("zz-top", []),
    ],
)
def test_a_typo_suggests_the_nearest_codes(typed: str, nearest: list[str]) -> None:
    assert places.suggest(typed) == nearest


def test_a_typo_is_an_error_naming_the_nearest_code() -> None:
    with pytest.raises(BadInput) as raised:
        places.resolve("US-ALA")
    assert str(raised.value) == (
        "--jurisdiction 'US-ALA' is not a jurisdiction: expected a code such as US-FL, TH or US-CA:san-diego, "
        "or the name of a nation or state; did you mean Alabama (US-AL), Louisiana (US-LA), Washington (US-WA)?"
    )


def test_a_group_is_kept_as_a_pattern() -> None:
    assert [places.resolve_pattern(p) for p in ("us-*", "US-*", "florida")] == ["US-*", "US-*", "US-FL"]
