"""Finding the rows that repeat an earlier row's transaction_id (the rule is in rules/ids.py).

Duplicates need the whole file: their state is (row index, 128-bit hash of the trimmed id,
partition byte) per row, 21 bytes a row, the only state that grows with the file.

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

KEY = "__key"
PART = "__part"
# rows per distinct-key hash table when looking for repeated transaction ids
DEDUP_PARTITION_ROWS = 2_000_000


def flag(rows: pl.Series) -> pl.Expr:
    """True on the rows whose IDX is in `rows`."""
    return pl.col(IDX).is_in(rows.implode()) if len(rows) else pl.lit(False)


def _hashes(tid_column: str) -> list[pl.Expr]:
    """KEY: 128-bit hash of the trimmed id; PART: its low byte (see `repeats`).

    Two independent 64-bit hashes make a false match (two different ids with equal keys) a
    ~n^2/2^129 event.
    """
    tid = pl.col(tid_column)
    low = tid.hash(0x5EED_0002)
    key = tid.hash(0x5EED_0001).cast(pl.UInt128) * pl.lit(2**64, pl.UInt128) + low.cast(pl.UInt128)
    return [key.alias(KEY), (low % 256).cast(pl.UInt8).alias(PART)]


def key_columns(tid_column: str) -> list[pl.Expr]:
    """KEY and PART of the trimmed id in `tid_column`, null where the id is empty."""
    present = pl.col(tid_column) != ""
    return [pl.when(present).then(e).alias(e.meta.output_name()) for e in _hashes(tid_column)]


def batch_keys(batch: pl.DataFrame) -> pl.DataFrame:
    """The (IDX, KEY, PART) of a main-pass batch's rows that have an id."""
    return batch.select(IDX, KEY, PART).filter(pl.col(KEY).is_not_null())


def prepass(source: Path, header: Header) -> pl.Series:
    """Indexes of the rows whose trimmed transaction_id repeats an earlier row's.

    A first, narrow streaming pass keeps only (row index, key, partition) per row: 21 bytes
    a row is the only state that grows with the file.
    """
    tid = col(header.required["transaction_id"])
    keys = (
        scan(source, header)
        .select(IDX, rules.trimmed(pl.col(tid)).alias(rules.TID))
        .filter(pl.col(rules.TID) != "")
        .select(IDX, *_hashes(rules.TID))
        .collect(engine="streaming")
    )
    return repeats(keys, distinct_check=False)


def late_duplicates(key_parts: list[pl.DataFrame]) -> pl.Series:
    """Strict mode, after the main pass: the repeats among its keys (the list is emptied)."""
    keys = pl.concat(key_parts)
    key_parts.clear()
    return repeats(keys)


def repeats(keys: pl.DataFrame, *, distinct_check: bool = True) -> pl.Series:
    """Sorted IDX of the rows (in IDX order) whose KEY an earlier row has.

    The distinct-key hash table is built one partition at a time (equal keys share a
    partition) once there are more than 3 * DEDUP_PARTITION_ROWS keys, so the table stays
    about that size instead of growing with the file.
    """
    # below a few partitions' worth, one table costs less than the partition copies
    parts = min(256, -(-keys.height // DEDUP_PARTITION_ROWS))
    if parts <= 3:
        return _first_repeats(keys, distinct_check)
    found = [
        _first_repeats(keys.filter(pl.col(PART) % parts == p), distinct_check) for p in range(parts)
    ]
    return pl.concat(found).sort()


def _first_repeats(keys: pl.DataFrame, distinct_check: bool = True) -> pl.Series:
    """IDX of the rows whose KEY an earlier row of `keys` has."""
    # counting distinct low halves is ~6x cheaper than is_first_distinct's hash table: when
    # they all differ, so do the keys (the usual case) and there is no repeat to locate
    if distinct_check and keys[KEY].cast(pl.UInt64, wrap_numerical=True).n_unique() == (
        keys.height
    ):
        return keys[IDX].clear()
    return keys.filter(~pl.col(KEY).is_first_distinct())[IDX]


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
