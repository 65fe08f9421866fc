"""Finding the rows that repeat an earlier row's transaction_id (the rule is in rules/ids.py),
in the main pass itself, in both modes.

Each row with an id carries its key, two independent 64-bit polars hashes of the trimmed id
(`key_columns`); a C set (native/ids.c) holds the key of every id read so far, and each
batch's keys are checked against it and added, in file order (`Repeats.flag`). A row is a
repeat exactly when an earlier row, of its batch or an earlier one, has its key. The set
keeps 96 bits of a key (all of HIGH, 32 bits of LOW): a false match (two different ids with
equal keys) is a ~n^2/2^97 event.

The set is the only state that grows with the file: 12 bytes a slot, sized from the record
count of the structure pass so that it stays at most 3/4 full (16 bytes a row, 16 MiB for
1M rows). The hash seeds are drawn for each file, and the set chooses its slots with a secret
of its own: a file cannot be crafted to make its ids collide.
"""

from __future__ import annotations

import secrets

import polars as pl

from functions.core import native, rules

HIGH = "__key_hi"
LOW = "__key_lo"


class Repeats:
    """The ids of one file's main pass, read so far; `close` (or the context) frees them."""

    def __init__(self, records: int) -> None:
        self._seeds = (secrets.randbits(64), secrets.randbits(64))
        self._ids = native.IdSet(records)

    def key_columns(self, tid_column: str) -> list[pl.Expr]:
        """HIGH and LOW, the key of the trimmed id in `tid_column`; null where it is empty
        (an empty id is rejected as such, never as a repeat)."""
        tid = pl.col(tid_column)
        present = tid != ""
        return [
            pl.when(present).then(tid.hash(seed)).alias(name)
            for name, seed in zip((HIGH, LOW), self._seeds, strict=True)
        ]

    def add(self, high: pl.Series, low: pl.Series) -> pl.Series:
        """The positions (increasing) of the next rows' keys, given as HIGH and LOW, that
        the ids read so far hold; they are added to them."""
        return self._ids.add(high, low)

    def flag(self, batch: pl.DataFrame) -> pl.DataFrame:
        """`batch` (the next rows of the file, with HIGH, LOW, rules.DUPLICATE False and
        rules.VALID) with DUPLICATE set on its repeats, which are not VALID."""
        repeats = self.add(batch[HIGH], batch[LOW])
        if repeats.is_empty():
            return batch
        repeated = pl.repeat(False, batch.height, eager=True).scatter(repeats, True)
        return batch.with_columns(
            repeated.alias(rules.DUPLICATE), (pl.col(rules.VALID) & ~repeated).alias(rules.VALID)
        )

    def close(self) -> None:
        """Free the ids read."""
        self._ids.close()

    def __enter__(self) -> Repeats:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
