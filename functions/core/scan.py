"""Reading the CSV with polars: the lazy scan, the names of its columns, the batch stream.

Every field is read as text (no type inference) under a positional name (`c0`, `c1`, ...),
so whatever the header says cannot clash with polars; `IDX` numbers the data rows from 0.
The rules add their columns to this frame and the main pass consumes it in batches. The
file has passed the structure checks (structure.py) first: polars' reader, lenient with
broken quoting, is only given files it reads exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from functions.core.header import Header

IDX = "__idx"
BATCH_ROWS = 20_000


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
