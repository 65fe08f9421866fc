"""Every row rule of data-contract.md §3, as vectorized polars expressions (no floats, no Python UDFs;
the amount and timestamp rules read and write their values through C routines, one call per batch,
functions/core/native).

One module per field: `ids` (transaction_id, customer_id, repeated ids), `amount`,
`timestamp`; `stages` says how a rule is written. They are composed here: `normalized` adds
to the scanned rows each required field's normalized value (null when invalid), the
duplicate flag and VALID; `with_reasons` explains rejected rows (evaluated on those only).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from functions.core.rules import amount, ids, timestamp
from functions.core.rules.ids import CID, DUPLICATE, TID
from functions.core.rules.stages import apply_stages, trimmed

AMOUNT = "__amount"
TIMESTAMP = "__ts"
VALID = "__valid"
REASON = "__reason"

__all__ = [
    "AMOUNT",
    "CID",
    "DUPLICATE",
    "REASON",
    "TID",
    "TIMESTAMP",
    "VALID",
    "normalized",
    "normalized_columns",
    "trimmed",
    "with_reasons",
]


def normalized_columns(required: Mapping[str, str]) -> dict[str, str]:
    """Each required field's raw column -> the column holding its normalized value."""
    return {
        required["transaction_id"]: TID,
        required["customer_id"]: CID,
        required["amount"]: AMOUNT,
        required["timestamp"]: TIMESTAMP,
    }


def normalized(
    rows: pl.LazyFrame,
    required: Mapping[str, str],
    source_timezone: str,
    *,
    duplicate: pl.Expr,
    as_text: bool,
) -> pl.LazyFrame:
    """`rows` with the normalized fields (see normalized_columns), DUPLICATE and VALID.

    `required` maps each required field to its raw column; `duplicate` is True on the rows
    repeating an earlier transaction_id; `as_text=False` leaves the timestamp an integer
    (enough to validate, see timestamp.stages).
    """
    rows = apply_stages(
        rows, ids.stages(required["transaction_id"], required["customer_id"], duplicate)
    )
    rows = apply_stages(
        rows,
        amount.stages(required["amount"], AMOUNT),
        timestamp.stages(required["timestamp"], TIMESTAMP, source_timezone, as_text=as_text),
    )
    valid = ids.valid() & pl.col(AMOUNT).is_not_null() & pl.col(TIMESTAMP).is_not_null()
    return rows.with_columns(valid.alias(VALID))


def with_reasons(
    rejected: pl.LazyFrame, required: Mapping[str, str], source_timezone: str
) -> pl.LazyFrame:
    """`rejected` rows (raw fields and DUPLICATE) with REASON: each broken rule's, "; "-joined."""
    rejected = apply_stages(
        rejected,
        amount.stages(required["amount"], AMOUNT),
        timestamp.stages(required["timestamp"], TIMESTAMP, source_timezone),
    )
    pieces = [
        *ids.reasons(pl.col(required["transaction_id"]), pl.col(required["customer_id"])),
        pl.when(pl.col(AMOUNT).is_null()).then(amount.reason(pl.col(required["amount"]))),
        pl.when(pl.col(TIMESTAMP).is_null()).then(
            timestamp.reason(pl.col(required["timestamp"]), source_timezone)
        ),
    ]
    return rejected.with_columns(
        pl.concat_str(pieces, separator="; ", ignore_nulls=True).alias(REASON)
    )
