"""Finding the rows that repeat an earlier row's transaction_id (the rule is in rules/ids.py).

Duplicates need the whole file: their state is (row index, 128-bit hash of the trimmed id as
two 64-bit halves) per row, 20 bytes a row, the only state that grows with the file. The
repeats are found by sorting the high halves (a sort of plain integers costs several times
less than a hash table of 128-bit keys), then comparing both halves on the few rows whose
high half occurs more than once.

- Tolerant mode: `prepass`, a narrow first pass, hashes the ids and finds the duplicate rows,
  so the main pass knows them (`flag`); its output is kept even when there are duplicates.
- Strict mode: one pass. The main pass emits the keys along with its batches (`key_columns`,
  `batch_keys`) and `late_duplicates` decides after it: none (the usual case) leaves its
  output final; any fails the file, so `with_late_duplicates` only completes the rejected
  count and the first rejected rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import polars as pl

from functions.core import rules
from functions.core.header import Header
from functions.core.outcome import MAX_REPORTED_ROW_ERRORS
from functions.core.rejected import RejectedRows
from functions.core.scan import IDX, col, raw_columns, scan

HIGH = "__key_hi"
LOW = "__key_lo"


def flag(rows: pl.Series) -> pl.Expr:
    """True on the rows whose IDX is in `rows`."""
    return pl.col(IDX).is_in(rows.implode()) if len(rows) else pl.lit(False)


def _hashes(tid_column: str) -> list[pl.Expr]:
    """HIGH and LOW: two independent 64-bit hashes of the trimmed id, one 128-bit key.

    A false match (two different ids with equal keys) is a ~n^2/2^129 event.
    """
    tid = pl.col(tid_column)
    return [tid.hash(0x5EED_0001).alias(HIGH), tid.hash(0x5EED_0002).alias(LOW)]


def key_columns(tid_column: str) -> list[pl.Expr]:
    """HIGH and LOW of the trimmed id in `tid_column`, null where the id is empty."""
    present = pl.col(tid_column) != ""
    return [pl.when(present).then(e).alias(e.meta.output_name()) for e in _hashes(tid_column)]


def batch_keys(batch: pl.DataFrame) -> pl.DataFrame:
    """The (IDX, HIGH, LOW) of a main-pass batch's rows that have an id."""
    return batch.select(IDX, HIGH, LOW).filter(pl.col(HIGH).is_not_null())


def prepass(source: Path, header: Header) -> pl.Series:
    """Indexes of the rows whose trimmed transaction_id repeats an earlier row's.

    A first, narrow streaming pass keeps only (row index, key) per row: 20 bytes a row is
    the only state that grows with the file.
    """
    tid = col(header.required["transaction_id"])
    keys = (
        scan(source, header)
        .select(IDX, rules.trimmed(pl.col(tid)).alias(rules.TID))
        .filter(pl.col(rules.TID) != "")
        .select(IDX, *_hashes(rules.TID))
        .collect(engine="streaming")
    )
    return repeats(keys)


def late_duplicates(key_parts: list[pl.DataFrame]) -> pl.Series:
    """Strict mode, after the main pass: the repeats among its keys (the list is emptied)."""
    keys = pl.concat(key_parts)
    key_parts.clear()
    return repeats(keys)


def repeats(keys: pl.DataFrame) -> pl.Series:
    """Sorted IDX of the rows (in IDX order) whose key (HIGH and LOW) an earlier row has.

    The high halves are sorted (a copy of 8 bytes a row, no hash table); only the rows whose
    high half occurs more than once, almost always the true repeats alone, are compared on
    the whole key, in IDX order.
    """
    high = keys[HIGH].sort()
    again = high.filter(high == high.shift(1))
    if again.is_empty():
        return keys[IDX].clear()
    suspects = keys.filter(pl.col(HIGH).is_in(again.unique().implode()))
    return suspects.filter(~pl.struct(HIGH, LOW).is_first_distinct())[IDX]


def with_late_duplicates(
    source: Path, header: Header, rejected: RejectedRows, duplicates: pl.Series
) -> int:
    """Strict mode, duplicates found after the pass: keep only the first
    MAX_REPORTED_ROW_ERRORS rejected rows, DUPLICATE set, and return how many rows only the
    duplicates reject (the rows rejected otherwise are already counted).

    A duplicate row that was otherwise valid is not among the rejected rows: the few needed
    for the report are read again from the start of the file (up to the last one only).
    """
    raw = raw_columns(header)
    invalid = rejected.scan().select(IDX).collect()[IDX] if rejected.parts else duplicates.clear()
    only_dup = duplicates.filter(~duplicates.is_in(invalid.implode()))
    first = (
        pl.concat([invalid.head(MAX_REPORTED_ROW_ERRORS), duplicates.head(MAX_REPORTED_ROW_ERRORS)])
        .unique()
        .sort()
        .head(MAX_REPORTED_ROW_ERRORS)
    )
    frames = []
    if rejected.parts:
        frames.append(
            rejected.scan().filter(pl.col(IDX).is_in(first.implode())).select(IDX, *raw).collect()
        )
    fetch = first.filter(first.is_in(only_dup.implode()))
    if len(fetch):
        frames.append(
            scan(source, header)
            .head(cast(int, fetch.max()) + 1)
            .filter(pl.col(IDX).is_in(fetch.implode()))
            .select(IDX, *raw)
            .collect(engine="streaming")
        )
    rows = pl.concat(frames).sort(IDX).with_columns(flag(duplicates).alias(rules.DUPLICATE))
    rejected.replace(rows)
    return len(only_dup)
