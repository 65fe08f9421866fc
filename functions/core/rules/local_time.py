"""Local wall times in SOURCE_TIMEZONE to UTC (data-contract.md §3.3), in every year.

polars' time zone tables (chrono-tz) list transitions up to 2099 and none after, so a summer
time from 2100 on would come out in standard time and a daylight-saving gap would go
unnoticed. Those wall times, rare, are converted by `zoneinfo`, which applies the zone's
rule beyond its last listed transition; every earlier one by polars, vectorized. Both take
the earlier instant of a repeated hour and give null inside a gap.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import polars as pl

_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - wall times are naive on purpose
_US = timedelta(microseconds=1)
# 2100-01-01T00:00 as a wall time, in microseconds since the (naive) epoch: from here on,
# polars' tables no longer hold the zone's transitions.
FAR_FUTURE_US = (datetime(2100, 1, 1) - _EPOCH) // _US  # noqa: DTZ001


def to_utc_us(local_us: pl.Expr, zone: str) -> pl.Expr:
    """UTC microseconds of wall times in `zone` (given as microseconds since the naive epoch);
    null for a wall time inside a gap (or whose instant has no four-digit year)."""
    if zone == "UTC":
        return local_us
    by_polars = (
        local_us.cast(pl.Datetime("us"))
        .dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .dt.replace_time_zone(None)
        .cast(pl.Int64)
    )
    by_zoneinfo = local_us.map_batches(
        partial(far_future_utc_us, zone=zone), return_dtype=pl.Int64, is_elementwise=True
    )
    return pl.when(local_us < FAR_FUTURE_US).then(by_polars).otherwise(by_zoneinfo)


def far_future_utc_us(local_us: pl.Series, zone: str) -> pl.Series:
    """`to_utc_us` by zoneinfo for the values from FAR_FUTURE_US on (null for the others)."""
    out = pl.repeat(None, len(local_us), dtype=pl.Int64, eager=True)
    far = (local_us >= FAR_FUTURE_US).fill_null(value=False).arg_true()
    if far.is_empty():
        return out
    tz = ZoneInfo(zone)
    found = [_utc_us(value, tz) for value in local_us.gather(far).to_list()]
    return out.scatter(far, pl.Series(found, dtype=pl.Int64))


def _utc_us(local_us: int, tz: ZoneInfo) -> int | None:
    wall = _EPOCH + timedelta(microseconds=local_us)
    try:
        instant = wall.replace(tzinfo=tz).astimezone(UTC)  # fold=0: the earlier instant
        if instant.astimezone(tz).replace(tzinfo=None) != wall:
            return None  # in a gap: the wall time does not come back from its instant
    except OverflowError:
        return None  # past 9999-12-31 in UTC
    return (instant.replace(tzinfo=None) - _EPOCH) // _US
