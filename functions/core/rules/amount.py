"""The amount rule (data-contract.md §3.2): a plain decimal that fits DECIMAL(18,2), never rounded.

Accepted: `1234.5`, `"1,234.50"` (thousands grouping), `+5`, `-0.00`, `1.500` (zeros beyond
two fraction digits), up to 16 integer digits; normalized to exactly two fraction digits.
Rejected: `1.505`, `12,34`, `1e3`, `NaN`, `.5`, 17 integer digits. No binary float involved.
"""

from __future__ import annotations

import polars as pl

from functions.core import native
from functions.core.rules.stages import Stages, shown, trimmed

# sign, integer part (plain digits, or 1-3 digits then ,ddd groups), up to two significant
# fraction digits followed only by zeros.
ACCEPTED_RE = r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2}0*)?$"
_LOOSE_RE = r"^[+-]?[0-9,]*[0-9][0-9,]*(?:\.[0-9]+)?$"
_GROUPING_OK_RE = r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$"
MAX_INTEGER_DIGITS = 16


def stages(src: str, out: str) -> Stages:
    """Stages ending in `out`: normalized amount (`-1234.50`) or null if not DECIMAL(18,2).

    Checked and written in one pass by functions/core/native (amounts.c), which accepts what
    ACCEPTED_RE accepts with at most MAX_INTEGER_DIGITS significant integer digits: the
    fraction has at most two significant digits (the rest zeros), so nothing is rounded,
    and no binary float is involved.
    """
    p = f"{out}__"
    normalize = native.normalize_amounts
    return [
        [trimmed(pl.col(src)).alias(p + "v")],
        [
            pl.col(p + "v")
            .map_batches(normalize, return_dtype=pl.String, is_elementwise=True)
            .alias(out)
        ],
    ]


def reason(raw: pl.Expr) -> pl.Expr:
    """Why an amount is invalid (only meaningful for invalid values)."""
    value = trimmed(raw)
    quoted = shown(raw)
    digits = (
        value.str.extract(r"^[+-]?([0-9,]+)", 1)
        .str.replace_all(",", "", literal=True)
        .str.strip_chars_start("0")
    )
    return (
        pl.when(value == "")
        .then(pl.lit("amount is empty"))
        .when(~value.str.contains(_LOOSE_RE))
        .then(pl.format("amount {} is not a plain decimal number", quoted))
        .when(~value.str.contains(_GROUPING_OK_RE))
        .then(pl.format("amount {} has invalid thousands grouping", quoted))
        .when(digits.str.len_bytes() > MAX_INTEGER_DIGITS)
        .then(
            pl.format("amount {} does not fit DECIMAL(18,2) (more than 16 integer digits)", quoted)
        )
        .when(~value.str.contains(ACCEPTED_RE))
        .then(pl.format("amount {} has more than 2 significant fraction digits", quoted))
        .otherwise(pl.format("amount {} is invalid", quoted))
    )
