"""CoreConfig: read from the environment once, strictness and acceptance derived from it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from functions.core import CoreConfig


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, CoreConfig()),
        (
            {"MAX_INVALID_ROW_RATIO": " 0.25 ", "SOURCE_TIMEZONE": "Europe/Berlin"},
            CoreConfig(Decimal("0.25"), "Europe/Berlin"),
        ),
        ({"MAX_INVALID_ROW_RATIO": "", "SOURCE_TIMEZONE": ""}, CoreConfig()),
        ({"MAX_INVALID_ROW_RATIO": "1"}, CoreConfig(Decimal(1))),
    ],
)
def test_config_from_env(env: dict[str, str], expected: CoreConfig) -> None:
    assert CoreConfig.from_env(env) == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MAX_INVALID_ROW_RATIO": "abc"}, "MAX_INVALID_ROW_RATIO"),
        ({"MAX_INVALID_ROW_RATIO": "1.5"}, "between 0 and 1"),
        ({"MAX_INVALID_ROW_RATIO": "-0.1"}, "between 0 and 1"),
        ({"MAX_INVALID_ROW_RATIO": "NaN"}, "between 0 and 1"),
        ({"SOURCE_TIMEZONE": "Mars/Olympus"}, "SOURCE_TIMEZONE"),
        ({"SOURCE_TIMEZONE": "utc"}, "SOURCE_TIMEZONE: source_timezone 'utc'"),
    ],
)
def test_config_from_env_rejects_bad_values(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CoreConfig.from_env(env)


@pytest.mark.parametrize(
    "zone", ["localtime", "posixrules", "posix/Europe/Berlin", "right/Europe/Berlin", "Factory"]
)
def test_a_zone_polars_cannot_use_is_refused_when_configured(zone: str) -> None:
    """zoneinfo finds these files, polars has no such zone: refused before any file is read."""
    with pytest.raises(ValueError, match=f"source_timezone '{zone}' is not an IANA time zone"):
        CoreConfig(source_timezone=zone)


def test_only_a_zero_ratio_is_strict() -> None:
    assert CoreConfig().strict
    assert CoreConfig(Decimal("0.000")).strict
    assert not CoreConfig(Decimal("0.000001")).strict


@pytest.mark.parametrize(
    ("ratio", "total", "rejected", "accepted"),
    [
        ("0", 4, 0, True),
        ("0", 4, 1, False),
        ("0.25", 4, 1, True),  # exactly at the ratio
        ("0.25", 4, 2, False),
        ("0.333", 3, 1, False),  # decimal, not float: 1/3 is above 0.333
        ("1", 3, 2, True),
        ("1", 3, 3, False),  # every row rejected: no valid row, never accepted
        ("1", 0, 0, False),
    ],
)
def test_accepts_needs_a_valid_row_and_rejections_within_the_ratio(
    ratio: str, total: int, rejected: int, accepted: bool
) -> None:
    assert CoreConfig(Decimal(ratio)).accepts(total, rejected) is accepted
