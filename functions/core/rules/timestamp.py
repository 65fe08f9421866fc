"""The timestamp rule (data-contract.md §3.3): an instant in an accepted form, normalized to ISO 8601 UTC.

Accepted: `2024-03-10T12:34:56Z`, a space instead of `T`, 1-9 fraction digits, `±HH:MM` or
`±HHMM` offsets, no offset (read in the source time zone), a bare date (midnight), epoch
seconds (9-11 digits) and epoch milliseconds (12-14 digits). Rejected: `20240101`
(ambiguous), `2024-02-30`, `24:00:00`, `23:59:60`, `2024-1-5`.
"""

from __future__ import annotations

import polars as pl

from functions.core import native
from functions.core.rules.local_time import to_utc_us
from functions.core.rules.stages import Stages, shown, trimmed

# Digits in the places of an accepted date-time, ranges unchecked: tells an unsupported
# format from an impossible date or time in row error reasons.
_LOOSE_RE = (
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:(Z)|([+-])([0-9]{2}):?([0-9]{2}))?)?$"
)

_US_PER_S = 1_000_000
# 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z in microseconds since the epoch: the
# output always has a four-digit year.
_MIN_US = -62_135_596_800 * _US_PER_S
_MAX_US = 253_402_300_800 * _US_PER_S


def stages(src: str, out: str, source_timezone: str, *, as_text: bool = True) -> Stages:
    """Stages ending in `out`: ISO 8601 UTC text (`2024-01-02T03:04:05Z`) or null.

    With `as_text=False`, `out` holds the instant as Int64 microseconds since the epoch
    instead (validation only needs to know it exists).

    The forms, field ranges and calendar are checked, and each value read, in one pass by
    functions/core/native (timestamps.c): it gives a value's UTC instant, or the wall time of
    a value without offset, which is read here in `source_timezone`; then the year range.
    The text is written by timestamps.c too: `.ffffff` only when the sub-second part is
    non-zero; digits beyond microseconds are truncated.
    """
    p = f"{out}__"

    def c(name: str) -> pl.Expr:
        return pl.col(p + name)

    parsed = c("parsed")
    parse = native.parse_timestamps
    wall_us = to_utc_us(parsed.struct.field(native.WALL), source_timezone)
    text = c("us").map_batches(native.format_instants, return_dtype=pl.String, is_elementwise=True)
    return [
        [trimmed(pl.col(src)).alias(p + "v")],
        [
            c("v")
            .map_batches(parse, return_dtype=native.PARSED, is_elementwise=True)
            .alias(p + "parsed")
        ],
        [pl.coalesce(parsed.struct.field(native.INSTANT), wall_us).alias(p + "us_any")],
        [
            pl.when(c("us_any").is_between(_MIN_US, _MAX_US, closed="left"))
            .then(c("us_any"))
            .alias(p + "us" if as_text else out)
        ],
        *([[text.alias(out)]] if as_text else []),
    ]


def reason(raw: pl.Expr, source_timezone: str) -> pl.Expr:
    """Why a timestamp is invalid (only meaningful for invalid values)."""
    value = trimmed(raw)
    quoted = shown(raw)
    no_offset = value.str.contains(
        r"^[0-9]{4}-[0-9][0-9]-[0-9][0-9](?:[T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9](?:\.[0-9]+)?)?$"
    )
    return (
        pl.when(value == "")
        .then(pl.lit("timestamp is empty"))
        .when(value.str.contains(r"^[0-9]+$"))
        .then(
            pl.format(
                "timestamp {} is an all-digit value that is neither epoch seconds (9-11 digits) "
                "nor epoch milliseconds (12-14 digits)",
                quoted,
            )
        )
        .when(~value.str.contains(_LOOSE_RE))
        .then(pl.format("timestamp {} is not in a supported format", quoted))
        .when(no_offset & pl.lit(source_timezone != "UTC"))
        .then(
            pl.format(
                "timestamp {} is not a valid date/time (impossible date or time, or a local "
                "time that does not exist in " + source_timezone.replace("{", "") + ")",
                quoted,
            )
        )
        .otherwise(pl.format("timestamp {} is not a valid date/time", quoted))
    )
