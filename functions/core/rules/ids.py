"""The id rules (data-contract.md §3.1): `transaction_id` and `customer_id` are non-empty after trimming,
and a `transaction_id` repeating an earlier row's makes the repeating row invalid.

Which rows repeat an id depends on every earlier row: the main pass flags them batch by
batch (functions.core.duplicates), after these stages, which take the flag as a boolean
expression (the main pass gives False, then sets it).
"""

from __future__ import annotations

import polars as pl

from functions.core.rules.stages import Stages, trimmed

# the trimmed ids and the duplicate flag, as columns of the rows
TID = "__tid"
CID = "__cid"
DUPLICATE = "__dup"
_SHOWN_ID_CHARS = 40


def stages(tid_src: str, cid_src: str, duplicate: pl.Expr) -> Stages:
    """One stage: TID and CID (trimmed) and DUPLICATE (True on a row repeating an id)."""
    return [
        [
            trimmed(pl.col(tid_src)).alias(TID),
            trimmed(pl.col(cid_src)).alias(CID),
            duplicate.alias(DUPLICATE),
        ]
    ]


def valid() -> pl.Expr:
    """Both ids present and the transaction_id not a repeat."""
    return (pl.col(TID) != "") & (pl.col(CID) != "") & ~pl.col(DUPLICATE)


def reasons(tid_raw: pl.Expr, cid_raw: pl.Expr) -> list[pl.Expr]:
    """Why the ids of a rejected row (with its DUPLICATE column) are invalid; null if they are not."""
    tid = trimmed(tid_raw)
    shown_tid = tid.str.slice(0, _SHOWN_ID_CHARS)
    return [
        pl.when(tid == "").then(pl.lit("transaction_id is empty")),
        pl.when(pl.col(DUPLICATE)).then(
            pl.format("transaction_id '{}' is a duplicate of an earlier row", shown_tid)
        ),
        pl.when(trimmed(cid_raw) == "").then(pl.lit("customer_id is empty")),
    ]
