"""Reading the CSV with polars: the lazy scan, the names of its columns, the batch stream.

Every field is read as text (no type inference) under a positional name (`c0`, `c1`, ...),
so whatever the header says cannot clash with polars; `IDX` numbers the data rows from 0.
The rules add their columns to this frame and the main pass consumes it in batches. The
file has passed the structure checks (structure.py) first: polars' reader, lenient with
broken quoting, is only given files it reads exactly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from functions.core.header import Header

IDX = "__idx"
# Rows of a main-pass batch. Each batch costs a fixed amount in Python and on disk (its
# output write, its rejected-rows part, its repeats): 50k rows took 0.93x (1M rows) and 0.87x
# (5M) the CPU time of 20k, for 20-40 MiB more at peak (bench/README.md).
BATCH_ROWS = 50_000
# polars' streaming CSV reader reads a local file ahead of its parsers in chunks of 32 MiB
# (its default), several at once: most of the core's peak memory on a large file (519 MiB
# at 5M rows, 345 MiB with 4 MiB chunks, in the same time; bench/README.md). It reads this
# variable at each scan; a value already set wins.
CSV_CHUNK_VARIABLE = "POLARS_CSV_CHUNK_SIZE"
CSV_CHUNK_BYTES = 4 << 20


def col(i: int) -> str:
    """Name of the i-th field of a row in the scanned frame."""
    return f"c{i}"


def raw_columns(header: Header) -> list[str]:
    """Names of every field of a row, in file order."""
    return [col(i) for i in range(len(header.names))]


def required_columns(header: Header) -> dict[str, str]:
    """Each required field -> the name of its raw column (`{"amount": "c2", ...}`)."""
    return {name: col(i) for name, i in header.required.items()}


def scan(source: Path, header: Header) -> pl.LazyFrame:
    """The data rows as text fields named by `col`, numbered by IDX (lazy: nothing read yet)."""
    os.environ.setdefault(CSV_CHUNK_VARIABLE, str(CSV_CHUNK_BYTES))
    return pl.scan_csv(
        source,
        has_header=True,
        new_columns=raw_columns(header),
        infer_schema=False,
        # unquoted empty fields are null, written back as empty, while a quoted "" stays an
        # empty string, written back as "" (data-contract.md §4)
        empty_string_is_null=True,
        truncate_ragged_lines=False,
        encoding="utf8",
        raise_if_empty=False,
    ).with_row_index(IDX)


def batches(stream: pl.LazyFrame) -> Iterator[pl.DataFrame]:
    """The rows of `stream` in batches of BATCH_ROWS, by polars' streaming engine."""
    return stream.collect_batches(chunk_size=BATCH_ROWS, engine="streaming")
