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
_ZERO, _COLON, _PLUS, _MINUS, _LETTER_T, _LETTER_Z = (ord(ch) for ch in "0:+-TZ")


def _digits(b: pl.Expr, *at: int) -> pl.Expr:
    """The decimal number written by the ASCII digits at byte positions `at` of binary `b`
    (negative: from the end); only meaningful where the shape check put digits there."""
    value: pl.Expr = pl.lit(0, pl.Int64)
    for i in at:
        value = value * 10 + (b.bin.get(i, null_on_oob=True).cast(pl.Int64) - _ZERO)
    return value


def _formatted(us: pl.Expr, v: pl.Expr, v_len: pl.Expr, b: pl.Expr) -> pl.Expr:
    """§4's text of UTC microseconds `us` (null: null): `.ffffff` only when the sub-second
    part is non-zero.

    A valid value already written as §4 writes it, `YYYY-MM-DDTHH:MM:SSZ` (20 bytes, a `T`
    at byte 10; the shape check proved the rest), is its own text: it is not formatted.
    Each format is given only its own rows (the others null), so no row is formatted twice.
    """
    utc = us.cast(pl.Datetime("us"))
    as_is = (v_len == 20) & (b.bin.get(10, null_on_oob=True) == _LETTER_T)
    rest = us.is_not_null() & ~as_is
    whole = us % _US_PER_S == 0
    return pl.coalesce(
        pl.when(us.is_not_null() & as_is).then(v),
        pl.when(rest & whole).then(utc).dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        pl.when(rest & ~whole).then(utc).dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ"),
    )


def stages(src: str, out: str, source_timezone: str, *, as_text: bool = True) -> Stages:
    """Stages ending in `out`: ISO 8601 UTC text (`2024-01-02T03:04:05Z`) or null.

    With `as_text=False`, `out` holds the instant as Int64 microseconds since the epoch
    instead (validation only needs to know it exists; formatting is the costliest step).

    One regex checks the shape and the field ranges (month 01-12, hour 00-23, second
    00-59, ...); the calendar (leap years, 30-day months) is checked by parsing the date
    part; the time of day and the offset are read as single bytes at fixed positions
    (a byte costs a fraction of a string slice), and only in the values that have them:
    what follows the seconds (fraction, offset) exists only past 20 bytes, and a 20-byte
    date-time, the most common form, ends in `Z`. `.ffffff` is appended only when the
    sub-second part is non-zero; digits beyond microseconds are truncated.
    """
    p = f"{out}__"

    def c(name: str) -> pl.Expr:
        return pl.col(p + name)

    v, v_len, b, tail = c("v"), c("v_len"), c("b"), c("tail")
    tail_len, olen = v_len - 19, c("olen")
    # the last bytes of a value longer than 20 (null for the others)
    e = {k: c(f"e{k}") for k in range(1, 7)}
    offset_len = (
        pl.when(v_len == 20)
        .then(pl.lit(1, pl.Int64))  # shape-checked: 19 bytes of date-time, then `Z`
        .when(e[1] == _LETTER_Z)
        .then(pl.lit(1, pl.Int64))
        .when((tail_len >= 6) & (e[3] == _COLON))
        .then(pl.lit(6, pl.Int64))
        .when((tail_len >= 5) & e[5].is_in([_PLUS, _MINUS]))
        .then(pl.lit(5, pl.Int64))
        .otherwise(pl.lit(0, pl.Int64))
    )
    hours = pl.when(olen == 6).then(e[5] * 10 + e[4]).otherwise(e[4] * 10 + e[3]) - 11 * _ZERO
    sign = pl.when(olen == 6).then(e[6]).otherwise(e[5])
    offset_minutes = hours * 60 + e[2] * 10 + e[1] - 11 * _ZERO
    offset_us = (
        pl.when(olen == 1)
        .then(pl.lit(0, pl.Int64))
        .when(olen > 1)
        .then(
            offset_minutes * pl.when(sign == _MINUS).then(-60 * _US_PER_S).otherwise(60 * _US_PER_S)
        )
    )
    # the fraction digits sit between the '.' and the offset; beyond 6 they are truncated
    # (the digits as an integer) * 10^(6 - count): no padded string; no digits means 0
    digits = (tail_len - olen - 1).clip(0, 6)
    micros = (
        pl.when(digits > 0)
        .then(
            tail.str.slice(1, digits).cast(pl.Int64, strict=False)
            * pl.lit(10, pl.Int64).pow((6 - digits).cast(pl.UInt32))
        )
        .otherwise(pl.lit(0, pl.Int64))
    )
    # bytes 11-18 `HH:MM:SS` (absent from a bare date: 0)
    seconds = (_digits(b, 11, 12) * 3600 + _digits(b, 14, 15) * 60 + _digits(b, 17, 18)).fill_null(
        0
    )
    local_us = c("days") * _US_PER_DAY + c("seconds") * _US_PER_S + c("micros")
    naive_us = to_utc_us(c("local"), source_timezone)
    iso_us = pl.when(c("offset").is_not_null()).then(c("local") - c("offset")).otherwise(naive_us)
    epoch_us = pl.when(v_len <= 11).then(c("epoch") * _US_PER_S).otherwise(c("epoch") * 1000)
    any_us = (
        pl.when(~c("shape")).then(None).when(c("epoch").is_null()).then(iso_us).otherwise(epoch_us)
    )
    tail_bytes = tail.cast(pl.Binary)
    return [
        [trimmed(pl.col(src)).alias(p + "v")],
        [
            v.str.contains(_SHAPE_RE).alias(p + "shape"),
            v.str.len_bytes().cast(pl.Int64).alias(p + "v_len"),
            v.cast(pl.Binary).alias(p + "b"),
        ],
        [
            # computed for every row; only rows of the matching shape use them
            v.str.slice(0, 10)
            .str.to_date("%Y-%m-%d", strict=False)
            .cast(pl.Int64)
            .alias(p + "days"),
            seconds.alias(p + "seconds"),
            v.cast(pl.Int64, strict=False).alias(p + "epoch"),
            pl.when(v_len > 20).then(v.str.slice(19)).alias(p + "tail"),
        ],
        [(tail_bytes.bin.get(-k, null_on_oob=True).cast(pl.Int64)).alias(p + f"e{k}") for k in e],
        [offset_len.alias(p + "olen")],
        [offset_us.alias(p + "offset"), micros.alias(p + "micros")],
        [local_us.alias(p + "local")],
        [any_us.alias(p + "us_any")],
        [
            pl.when(c("us_any").is_between(_MIN_US, _MAX_US, closed="left"))
            .then(c("us_any"))
            .alias(p + "us" if as_text else out)
        ],
        *([[_formatted(c("us"), v, v_len, b).alias(out)]] if as_text else []),
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
