"""The timestamp rule (data-contract.md §3.3): an instant in an accepted form, normalized to ISO 8601 UTC.

Accepted: `2024-03-10T12:34:56Z`, a space instead of `T`, 1-9 fraction digits, `±HH:MM` or
`±HHMM` offsets, no offset (read in the source time zone), a bare date (midnight), epoch
seconds (9-11 digits) and epoch milliseconds (12-14 digits). Rejected: `20240101`
(ambiguous), `2024-02-30`, `24:00:00`, `23:59:60`, `2024-1-5`.
"""

from __future__ import annotations

import polars as pl

from functions.core.rules.local_time import to_utc_us
from functions.core.rules.stages import Stages, shown, trimmed

# Digits in the places of an accepted date-time, ranges unchecked: tells an unsupported
# format from an impossible date or time in row error reasons.
_LOOSE_RE = (
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:(Z)|([+-])([0-9]{2}):?([0-9]{2}))?)?$"
)
# Shape and field ranges of every accepted form; epoch seconds/ms are 9 to 14 digits.
_SHAPE_RE = (
    r"^(?:[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?)?|[0-9]{9,14})$"
)

_US_PER_S = 1_000_000
_US_PER_DAY = 86_400 * _US_PER_S
# 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z in microseconds since the epoch: the
# output always has a four-digit year.
_MIN_US = -62_135_596_800 * _US_PER_S
_MAX_US = 253_402_300_800 * _US_PER_S


def stages(src: str, out: str, source_timezone: str, *, as_text: bool = True) -> Stages:
    """Stages ending in `out`: ISO 8601 UTC text (`2024-01-02T03:04:05Z`) or null.

    With `as_text=False`, `out` holds the instant as Int64 microseconds since the epoch
    instead (validation only needs to know it exists; formatting is the costliest step).

    One regex checks the shape and the field ranges (month 01-12, hour 00-23, second
    00-59, ...); the calendar (leap years, 30-day months) is checked by parsing the date
    part; everything else is fixed-position slicing and integer arithmetic.
    `.ffffff` is appended only when the sub-second part is non-zero; digits beyond
    microseconds are truncated.
    """
    p = f"{out}__"

    def c(name: str) -> pl.Expr:
        return pl.col(p + name)

    v, tail, tail_len = c("v"), c("tail"), c("tail_len")
    offset_len = (
        pl.when(tail.str.ends_with("Z"))
        .then(pl.lit(1, pl.Int64))
        .when((tail_len >= 6) & (tail.str.slice(-3, 1) == ":"))
        .then(pl.lit(6, pl.Int64))
        .when((tail_len >= 5) & tail.str.slice(-5, 1).is_in(["+", "-"]))
        .then(pl.lit(5, pl.Int64))
        .otherwise(pl.lit(0, pl.Int64))
    )
    olen = c("olen")
    offset_start = tail_len - olen
    offset_minutes = tail.str.slice(offset_start + 1, 2).cast(
        pl.Int64, strict=False
    ) * 60 + tail.str.slice(-2, 2).cast(pl.Int64, strict=False)
    offset_us = (
        pl.when(olen == 1)
        .then(pl.lit(0, pl.Int64))
        .when(olen > 1)
        .then(
            offset_minutes
            * pl.when(tail.str.slice(offset_start, 1) == "-")
            .then(-60 * _US_PER_S)
            .otherwise(60 * _US_PER_S)
        )
    )
    # the fraction digits sit between the '.' and the offset; beyond 6 they are truncated
    # (the digits as an integer) * 10^(6 - count): no padded string; no digits means 0
    digits = (offset_start - 1).clip(0, 6)
    micros = tail.str.slice(1, digits).cast(pl.Int64, strict=False).fill_null(0) * pl.lit(
        10, pl.Int64
    ).pow((6 - digits).cast(pl.UInt32))
    seconds = (
        v.str.slice(11, 2).cast(pl.Int64, strict=False) * 3600
        + v.str.slice(14, 2).cast(pl.Int64, strict=False) * 60
        + v.str.slice(17, 2).cast(pl.Int64, strict=False)
    ).fill_null(0)
    local_us = c("days") * _US_PER_DAY + c("seconds") * _US_PER_S + c("micros")
    naive_us = to_utc_us(c("local"), source_timezone)
    iso_us = pl.when(c("offset").is_not_null()).then(c("local") - c("offset")).otherwise(naive_us)
    epoch_us = pl.when(c("v_len") <= 11).then(c("epoch") * _US_PER_S).otherwise(c("epoch") * 1000)
    us = c("us")
    utc = us.cast(pl.Datetime("us"))
    text = (
        pl.when(us % _US_PER_S == 0)
        .then(utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
        .otherwise(utc.dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ"))
    )
    any_us = (
        pl.when(~c("shape")).then(None).when(c("epoch").is_null()).then(iso_us).otherwise(epoch_us)
    )
    return [
        [trimmed(pl.col(src)).alias(p + "v")],
        [
            v.str.contains(_SHAPE_RE).alias(p + "shape"),
            v.str.len_bytes().cast(pl.Int64).alias(p + "v_len"),
        ],
        [
            # computed for every row; only rows of the matching shape use them
            v.str.slice(0, 10)
            .str.to_date("%Y-%m-%d", strict=False)
            .cast(pl.Int64)
            .alias(p + "days"),
            seconds.alias(p + "seconds"),
            v.str.slice(19).alias(p + "tail"),
            v.cast(pl.Int64, strict=False).alias(p + "epoch"),
        ],
        [tail.str.len_bytes().cast(pl.Int64).alias(p + "tail_len")],
        [offset_len.alias(p + "olen")],
        [offset_us.alias(p + "offset"), micros.alias(p + "micros")],
        [local_us.alias(p + "local")],
        [any_us.alias(p + "us_any")],
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
