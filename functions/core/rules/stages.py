"""How a row rule is written: stages of polars expressions, and the text helpers rules share.

A rule is a list of *stages*, each a list of named expressions applied in one `with_columns`
call, so that every intermediate value is computed once (polars' streaming engine does not
eliminate common subexpressions).
"""

from __future__ import annotations

import polars as pl

Stages = list[list[pl.Expr]]

_SHOWN_CHARS = 40  # a raw value quoted in a reason is cut here, to keep reasons small


def apply_stages(lf: pl.LazyFrame, *stage_lists: Stages) -> pl.LazyFrame:
    """Apply several rules' stages side by side (stage k of every rule in one step)."""
    depth = max(len(s) for s in stage_lists)
    for k in range(depth):
        step = [e for s in stage_lists if k < len(s) for e in s[k]]
        lf = lf.with_columns(step)
    return lf


def trimmed(col: pl.Expr) -> pl.Expr:
    """Value with surrounding (Unicode) whitespace removed; a missing value is ""."""
    return col.fill_null("").str.strip_chars()


def shown(raw: pl.Expr) -> pl.Expr:
    """The raw value quoted for a message, shortened to keep reasons small."""
    short = (
        pl.when(raw.str.len_chars() > _SHOWN_CHARS)
        .then(pl.concat_str([raw.str.slice(0, _SHOWN_CHARS), pl.lit("...")]))
        .otherwise(raw)
    )
    return pl.concat_str([pl.lit("'"), short, pl.lit("'")])
