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
AMOUNT_RE = r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2})0*)?$"
_AMOUNT_LOOSE_RE = r"^[+-]?[\d,]*\d[\d,]*(?:\.\d+)?$"
_AMOUNT_GROUPING_OK_RE = r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$"
MAX_INTEGER_DIGITS = 16

# date, optional time with fraction and offset; ranges are checked numerically afterwards.
TIMESTAMP_RE = (
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))?)?$"
)
_EPOCH_S_RE = r"^\d{9,11}$"
_EPOCH_MS_RE = r"^\d{12,14}$"

_US_PER_S = 1_000_000
_US_PER_DAY = 86_400 * _US_PER_S
# 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z in microseconds since the epoch: the
# output always has a four-digit year.
_MIN_US = -62_135_596_800 * _US_PER_S
_MAX_US = 253_402_300_800 * _US_PER_S


def trimmed(col: pl.Expr) -> pl.Expr:
    """Value with surrounding (Unicode) whitespace removed."""
    return col.str.strip_chars()


def amount_stages(src: str, out: str) -> Stages:
    """Stages ending in `out`: normalized amount (`-1234.50`) or null if not DECIMAL(18,2)."""
    p = f"{out}__"
    g = pl.col(p + "g")
    integer = pl.col(p + "int")
    fraction = pl.col(p + "frac")
    negative = (pl.col(p + "sign") == "-") & ~((integer == "0") & (fraction == "00"))
    text = pl.concat_str(
        [pl.when(negative).then(pl.lit("-")).otherwise(pl.lit("")), integer, pl.lit("."), fraction]
    )
    stripped = g.struct.field("2").str.replace_all(",", "", literal=True).str.strip_chars_start("0")
    return [
        [trimmed(pl.col(src)).str.extract_groups(AMOUNT_RE).alias(p + "g")],
        [
            g.struct.field("1").alias(p + "sign"),
            pl.when(stripped == "").then(pl.lit("0")).otherwise(stripped).alias(p + "int"),
            g.struct.field("3").fill_null("").str.pad_end(2, "0").alias(p + "frac"),
        ],
        [pl.when(integer.str.len_bytes() <= MAX_INTEGER_DIGITS).then(text).alias(out)],
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


def timestamp_stages(src: str, out: str, source_timezone: str) -> Stages:
    """Stages ending in `out`: ISO 8601 UTC text (`2024-01-02T03:04:05Z`) or null.

    `.ffffff` is appended only when the sub-second part is non-zero; digits beyond
    microseconds are truncated.
    """
    p = f"{out}__"

    def c(name: str) -> pl.Expr:
        return pl.col(p + name)

    g = c("g")

    def num(name: str) -> pl.Expr:
        return g.struct.field(name).cast(pl.Int64)

    leap = ((c("y") % 4 == 0) & (c("y") % 100 != 0)) | (c("y") % 400 == 0)
    days_in_month = (
        pl.when(c("mo") == 2)
        .then(28 + leap.cast(pl.Int64))
        .when(c("mo").is_in([4, 6, 9, 11]))
        .then(pl.lit(30, pl.Int64))
        .otherwise(pl.lit(31, pl.Int64))
    )
    valid = (
        c("mo").is_between(1, 12)
        & (c("d") >= 1)
        & (c("d") <= days_in_month)
        & (c("hh") <= 23)
        & (c("mi") <= 59)
        & (c("ss") <= 59)
        & (c("off_h").is_null() | ((c("off_h") <= 23) & (c("off_m") <= 59)))
    )
    # days since 1970-01-01 (H. Hinnant's days_from_civil), integer arithmetic only
    doy = (153 * ((c("mo") + 9) % 12) + 2) // 5 + c("d") - 1
    doe = c("yoe") * 365 + c("yoe") // 4 - c("yoe") // 100 + doy
    days = c("era") * 146_097 + doe - 719_468
    local_us = (
        days * _US_PER_DAY + (c("hh") * 3600 + c("mi") * 60 + c("ss")) * _US_PER_S + c("frac")
    )
    offset_us = (
        pl.when(c("is_z"))
        .then(pl.lit(0, pl.Int64))
        .otherwise(
            (c("off_h") * 60 + c("off_m"))
            * pl.when(c("off_sign") == "-").then(-60 * _US_PER_S).otherwise(60 * _US_PER_S)
        )
    )
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
    iso_us = pl.when(c("valid")).then(
        pl.when(c("offset").is_not_null()).then(c("local") - c("offset")).otherwise(naive_us)
    )
    epoch_us = (
        pl.when(c("v").str.contains(_EPOCH_S_RE))
        .then(c("v").cast(pl.Int64, strict=False) * _US_PER_S)
        .when(c("v").str.contains(_EPOCH_MS_RE))
        .then(c("v").cast(pl.Int64, strict=False) * 1000)
    )
    us = c("us")
    frac = us % _US_PER_S
    text = pl.concat_str(
        [
            us.cast(pl.Datetime("us")).dt.strftime("%Y-%m-%dT%H:%M:%S"),
            pl.when(frac == 0)
            .then(pl.lit("Z"))
            .otherwise(
                pl.concat_str([pl.lit("."), frac.cast(pl.String).str.zfill(6), pl.lit("Z")])
            ),
        ]
    )
    return [
        [trimmed(pl.col(src)).alias(p + "v")],
        [c("v").str.extract_groups(TIMESTAMP_RE).alias(p + "g")],
        [
            num("1").alias(p + "y"),
            num("2").alias(p + "mo"),
            num("3").alias(p + "d"),
            num("4").fill_null(0).alias(p + "hh"),
            num("5").fill_null(0).alias(p + "mi"),
            num("6").fill_null(0).alias(p + "ss"),
            g.struct.field("7")
            .str.pad_end(9, "0")
            .str.slice(0, 6)
            .cast(pl.Int64)
            .fill_null(0)
            .alias(p + "frac"),
            g.struct.field("8").is_not_null().alias(p + "is_z"),
            g.struct.field("9").alias(p + "off_sign"),
            num("10").alias(p + "off_h"),
            num("11").alias(p + "off_m"),
        ],
        [(c("y") - (c("mo") <= 2).cast(pl.Int64)).alias(p + "y_mar")],
        [(c("y_mar") // 400).alias(p + "era")],
        [
            (c("y_mar") - c("era") * 400).alias(p + "yoe"),
            valid.alias(p + "valid"),
            offset_us.alias(p + "offset"),
        ],
        [local_us.alias(p + "local")],
        [pl.coalesce(iso_us, epoch_us).alias(p + "us_any")],
        [
            pl.when(c("us_any").is_between(_MIN_US, _MAX_US, closed="left"))
            .then(c("us_any"))
            .alias(p + "us")
        ],
        [text.alias(out)],
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
        .when(~value.str.contains(TIMESTAMP_RE))
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
