"""Row rules of SPEC 3.2 as vectorized polars expressions (no floats, no Python UDFs).

Rules are given as *stages*: lists of named expressions applied with successive
`with_columns` calls, so that every intermediate value is computed once (polars' streaming
engine does not eliminate common subexpressions). `amount_stages` / `timestamp_stages`
end in a String column holding the normalized value, or null when the raw value is
invalid; the `*_reason` expressions explain an invalid value and are evaluated on rejected
rows only.
"""

from __future__ import annotations

import polars as pl

Stages = list[list[pl.Expr]]

# sign, integer part (plain digits, or 1-3 digits then ,ddd groups), up to two significant
# fraction digits followed only by zeros.
AMOUNT_RE = r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2}0*)?$"
_AMOUNT_LOOSE_RE = r"^[+-]?[\d,]*\d[\d,]*(?:\.\d+)?$"
_AMOUNT_GROUPING_OK_RE = r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$"
MAX_INTEGER_DIGITS = 16

# Digits in the places of an accepted date-time, ranges unchecked: tells an unsupported
# format from an impossible date or time in row error reasons.
_TIMESTAMP_LOOSE_RE = (
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))?)?$"
)
# Shape and field ranges of every accepted form; epoch seconds/ms are 9 to 14 digits.
_TIMESTAMP_SHAPE_RE = (
    r"^(?:\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?|\d{9,14})$"
)

_US_PER_S = 1_000_000
_US_PER_DAY = 86_400 * _US_PER_S
# 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z in microseconds since the epoch: the
# output always has a four-digit year.
_MIN_US = -62_135_596_800 * _US_PER_S
_MAX_US = 253_402_300_800 * _US_PER_S


def trimmed(col: pl.Expr) -> pl.Expr:
    """Value with surrounding (Unicode) whitespace removed; a missing value is ""."""
    return col.fill_null("").str.strip_chars()


def amount_stages(src: str, out: str) -> Stages:
    """Stages ending in `out`: normalized amount (`-1234.50`) or null if not DECIMAL(18,2).

    The regex admits only values whose fraction has at most two significant digits (the
    rest zeros), so the integer-based Decimal(18, 2) parse that follows never rounds; it
    yields null when more than 16 integer digits remain. No binary float is involved.
    """
    p = f"{out}__"
    value = pl.col(p + "v")
    return [
        [trimmed(pl.col(src)).alias(p + "v")],
        [
            pl.when(value.str.contains(AMOUNT_RE))
            .then(value.str.replace_all(",", "", literal=True))
            .alias(p + "plain")
        ],
        [pl.col(p + "plain").cast(pl.Decimal(18, 2), strict=False).cast(pl.String).alias(out)],
    ]


def amount_reason(raw: pl.Expr) -> pl.Expr:
    """Why an amount is invalid (only meaningful for invalid values)."""
    value = trimmed(raw)
    shown = _shown(raw)
    digits = (
        value.str.extract(r"^[+-]?([\d,]+)", 1)
        .str.replace_all(",", "", literal=True)
        .str.strip_chars_start("0")
    )
    return (
        pl.when(value == "")
        .then(pl.lit("amount is empty"))
        .when(~value.str.contains(_AMOUNT_LOOSE_RE))
        .then(pl.format("amount {} is not a plain decimal number", shown))
        .when(~value.str.contains(_AMOUNT_GROUPING_OK_RE))
        .then(pl.format("amount {} has invalid thousands grouping", shown))
        .when(digits.str.len_bytes() > MAX_INTEGER_DIGITS)
        .then(
            pl.format("amount {} does not fit DECIMAL(18,2) (more than 16 integer digits)", shown)
        )
        .when(~value.str.contains(AMOUNT_RE))
        .then(pl.format("amount {} has more than 2 significant fraction digits", shown))
        .otherwise(pl.format("amount {} is invalid", shown))
    )


def timestamp_stages(src: str, out: str, source_timezone: str, *, as_text: bool = True) -> Stages:
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
    if source_timezone == "UTC":
        naive_us = c("local")
    else:
        naive_us = (
            c("local")
            .cast(pl.Datetime("us"))
            .dt.replace_time_zone(source_timezone, ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone("UTC")
            .dt.replace_time_zone(None)
            .cast(pl.Int64)
        )
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
            v.str.contains(_TIMESTAMP_SHAPE_RE).alias(p + "shape"),
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


def timestamp_reason(raw: pl.Expr, source_timezone: str) -> pl.Expr:
    """Why a timestamp is invalid (only meaningful for invalid values)."""
    value = trimmed(raw)
    shown = _shown(raw)
    no_offset = value.str.contains(r"^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d:\d\d(?:\.\d+)?)?$")
    return (
        pl.when(value == "")
        .then(pl.lit("timestamp is empty"))
        .when(value.str.contains(r"^\d+$"))
        .then(
            pl.format(
                "timestamp {} is an all-digit value that is neither epoch seconds (9-11 digits) "
                "nor epoch milliseconds (12-14 digits)",
                shown,
            )
        )
        .when(~value.str.contains(_TIMESTAMP_LOOSE_RE))
        .then(pl.format("timestamp {} is not in a supported format", shown))
        .when(no_offset & pl.lit(source_timezone != "UTC"))
        .then(
            pl.format(
                "timestamp {} is not a valid date/time (impossible date or time, or a local "
                "time that does not exist in " + source_timezone.replace("{", "") + ")",
                shown,
            )
        )
        .otherwise(pl.format("timestamp {} is not a valid date/time", shown))
    )


def apply_stages(lf: pl.LazyFrame, *stage_lists: Stages) -> pl.LazyFrame:
    """Apply several rules' stages side by side (stage k of every rule in one step)."""
    depth = max(len(s) for s in stage_lists)
    for k in range(depth):
        step = [e for s in stage_lists if k < len(s) for e in s[k]]
        lf = lf.with_columns(step)
    return lf


def _shown(raw: pl.Expr) -> pl.Expr:
    """The raw value quoted for a message, shortened to keep reasons small."""
    short = (
        pl.when(raw.str.len_chars() > 40)
        .then(pl.concat_str([raw.str.slice(0, 40), pl.lit("...")]))
        .otherwise(raw)
    )
    return pl.concat_str([pl.lit("'"), short, pl.lit("'")])
