"""The timestamp rule on raw values: ISO 8601 UTC, or null and explained."""

from __future__ import annotations

import polars as pl
import pytest

from functions.core.rules import timestamp
from functions.core.rules.stages import apply_stages


def _timestamps(
    values: list[str], zone: str = "UTC", *, as_text: bool = True
) -> list[tuple[object, str]]:
    rows = pl.LazyFrame({"raw": values}, schema={"raw": pl.String})
    out = apply_stages(rows, timestamp.stages("raw", "out", zone, as_text=as_text))
    out = out.with_columns(timestamp.reason(pl.col("raw"), zone).alias("why"))
    return list(out.select("out", "why").collect().iter_rows())


@pytest.mark.parametrize(
    ("raw", "zone", "utc"),
    [
        ("2024-03-10T12:34:56Z", "UTC", "2024-03-10T12:34:56Z"),
        ("2024-03-10 12:34:56.123456789-0530", "UTC", "2024-03-10T18:04:56.123456Z"),
        ("2024-03-10T12:34:56+01:00", "UTC", "2024-03-10T11:34:56Z"),
        ("2024-03-10", "UTC", "2024-03-10T00:00:00Z"),
        ("2024-03-10", "Europe/Berlin", "2024-03-09T23:00:00Z"),  # no offset: source zone
        ("2024-03-10T12:34:56Z", "Europe/Berlin", "2024-03-10T12:34:56Z"),
        ("1710074096", "UTC", "2024-03-10T12:34:56Z"),  # epoch seconds
        ("1710074096789", "UTC", "2024-03-10T12:34:56.789000Z"),  # epoch milliseconds
    ],
)
def test_accepted_timestamps_become_utc(raw: str, zone: str, utc: str) -> None:
    [(value, _)] = _timestamps([raw], zone)
    assert value == utc


def test_without_text_the_instant_is_microseconds_since_the_epoch() -> None:
    [(value, _)] = _timestamps(["1970-01-01T00:00:01.5Z"], as_text=False)
    assert value == 1_500_000


@pytest.mark.parametrize(
    ("raw", "zone", "reason"),
    [
        (
            "20240101",
            "UTC",
            "timestamp '20240101' is an all-digit value that is neither epoch seconds "
            "(9-11 digits) nor epoch milliseconds (12-14 digits)",
        ),
        ("2024-02-30", "UTC", "timestamp '2024-02-30' is not a valid date/time"),
        ("2024-01-01T24:00:00", "UTC", "timestamp '2024-01-01T24:00:00' is not a valid date/time"),
        ("2024-01-01T23:59:60", "UTC", "timestamp '2024-01-01T23:59:60' is not a valid date/time"),
        ("2024-1-5", "UTC", "timestamp '2024-1-5' is not in a supported format"),
        ("", "UTC", "timestamp is empty"),
        (
            "2024-03-31T02:30:00",  # the hour skipped by daylight saving time
            "Europe/Berlin",
            "timestamp '2024-03-31T02:30:00' is not a valid date/time (impossible date or "
            "time, or a local time that does not exist in Europe/Berlin)",
        ),
    ],
)
def test_rejected_timestamps_are_null_with_a_reason(raw: str, zone: str, reason: str) -> None:
    assert _timestamps([raw], zone) == [(None, reason)]
