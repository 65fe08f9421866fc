"""Reading the CSV with polars: the lazy scan, the names of its columns, the batch stream.

Every field is read as text (no type inference) under a positional name (`c0`, `c1`, ...),
so whatever the header says cannot clash with polars; `IDX` numbers the data rows from 0.
The rules add their columns to this frame and the main pass consumes it in batches.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import polars as pl

from functions.core.structure import Header

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
        # unquoted empty fields (and fields of padded short rows) are null: written back
        # as empty, while a quoted "" stays an empty string, written back as ""
        empty_string_is_null=True,
        truncate_ragged_lines=False,
        encoding="utf8",
        raise_if_empty=False,
    ).with_row_index(IDX)


def trailing_nulls(columns: list[str]) -> pl.Expr:
    """Number of null (unquoted empty or padded) fields at the end of each row."""
    run = pl.lit(True)
    count: pl.Expr = pl.lit(0, pl.Int32)
    for name in reversed(columns):
        run = run & pl.col(name).is_null()
        count = count + run.cast(pl.Int32)
    return count


def batches(stream: pl.LazyFrame) -> Iterator[pl.DataFrame]:
    """The rows of `stream` in batches of BATCH_ROWS, by polars' streaming engine."""
    return stream.collect_batches(chunk_size=BATCH_ROWS, engine="streaming")


def csv_line(fields: Iterable[str]) -> bytes:
    """One CSV record (RFC 4180 quoting, LF), e.g. the header line of a file we write."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(fields)
    return buf.getvalue().encode()
