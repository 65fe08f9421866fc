"""Wall times in the source zone to UTC in every year: polars until 2099, zoneinfo from 2100,
where polars' zone tables stop (summer time would be lost, gaps accepted)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from functions.core.rules.local_time import FAR_FUTURE_US, far_future_utc_us, to_utc_us

_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001


def _us(text: str) -> int:
    return (datetime.fromisoformat(text) - _EPOCH) // timedelta(microseconds=1)


def _utc(walls: list[str], zone: str) -> list[str | None]:
    frame = pl.DataFrame({"wall": [_us(w) for w in walls]})
    found = frame.select(to_utc_us(pl.col("wall"), zone)).to_series().to_list()
    return [
        None if us is None else (_EPOCH + timedelta(microseconds=us)).isoformat() for us in found
    ]


@pytest.mark.parametrize(
    ("wall", "zone", "utc"),
    [
        ("2100-07-01T12:00:00", "America/New_York", "2100-07-01T16:00:00"),  # summer: UTC-4
        ("2100-01-15T12:00:00", "America/New_York", "2100-01-15T17:00:00"),
        ("2100-03-14T02:30:00", "America/New_York", None),  # the spring-forward gap
        ("2100-11-07T01:30:00", "America/New_York", "2100-11-07T05:30:00"),  # repeated: earlier
        ("2150-07-01T12:00:00", "Europe/Berlin", "2150-07-01T10:00:00"),
        ("2101-01-15T12:00:00", "Australia/Sydney", "2101-01-15T01:00:00"),  # southern summer
        ("2101-07-15T12:00:00", "Australia/Sydney", "2101-07-15T02:00:00"),
        ("9999-12-31T23:00:00", "America/New_York", None),  # its instant is in year 10000
        ("2099-07-01T12:00:00", "America/New_York", "2099-07-01T16:00:00"),  # still polars
        ("2024-03-31T02:30:00", "Europe/Berlin", None),
        ("2024-10-27T02:30:00", "Europe/Berlin", "2024-10-27T00:30:00"),
    ],
)
def test_wall_times_follow_the_zone_rules_in_every_year(
    wall: str, zone: str, utc: str | None
) -> None:
    assert _utc([wall], zone) == [utc]


def test_utc_is_taken_as_it_is() -> None:
    assert _utc(["2100-07-01T12:00:00"], "UTC") == ["2100-07-01T12:00:00"]


@pytest.mark.parametrize(
    "zone", ["America/New_York", "Europe/Berlin", "Australia/Sydney", "America/Havana"]
)
def test_polars_and_zoneinfo_agree_before_2100(zone: str) -> None:
    walls = [f"{y}-{m:02d}-15T12:00:00" for y in range(1950, 2100, 7) for m in (1, 4, 7, 10)]
    tz = ZoneInfo(zone)

    expected = [
        datetime.fromisoformat(w)
        .replace(tzinfo=tz)
        .astimezone(UTC)
        .replace(tzinfo=None)
        .isoformat()
        for w in walls
    ]

    assert _utc(walls, zone) == expected


def test_zoneinfo_converts_only_the_far_future() -> None:
    walls = pl.Series([FAR_FUTURE_US - 1, None, FAR_FUTURE_US])

    assert far_future_utc_us(walls, "Europe/Berlin").to_list() == [
        None,
        None,
        FAR_FUTURE_US - 3_600_000_000,
    ]
