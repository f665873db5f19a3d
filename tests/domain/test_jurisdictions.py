"""Jurisdiction codes from ISO 3166 (pycountry), US federal, and PARENT:slug localities."""

from __future__ import annotations

import pytest

from regwatch.domain import jurisdictions as j


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
