"""Line numbering (data-contract.md §6): the 1-based physical line where each data record starts.

Only a LF breaks a line. When no record spans lines (structure.Layout tells) record i starts
on line `header.lines + 1 + i`; otherwise the records needed are found by cutting the file's
pieces into records with the record pattern (vectorized, in polars) and counting their LFs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from functions.core import syntax
from functions.core.chunks import Pieces
from functions.core.scan import IDX
from functions.core.structure import Layout


@dataclass(frozen=True)
class LineNumbers:
    """The start line of data records by index: `first + index`, or looked up in `lines`."""

    first: int
    lines: dict[int, int] | None = None

    def of(self, index: int) -> int:
        """The line of record `index` (one of those it was made for, when looked up)."""
        return self.lines[index] if self.lines is not None else index + self.first

    def expr(self) -> pl.Expr:
        """The line of each row, from its IDX column."""
        if self.lines is None:
            return pl.col(IDX).cast(pl.Int64) + self.first
        return pl.col(IDX).replace_strict(self.lines, return_dtype=pl.Int64)


def line_numbers(path: Path, layout: Layout, needed: Callable[[], Iterable[int]]) -> LineNumbers:
    """Line numbers of the data records; `needed()` (asked only if a scan is needed) says which."""
    first = layout.header.lines + 1
    if layout.one_line_records:
        return LineNumbers(first)
    return LineNumbers(first, record_lines(path, layout, needed()))


def record_lines(path: Path, layout: Layout, indexes: Iterable[int]) -> dict[int, int]:
    """Physical start line of the data records with the given 0-based indexes."""
    wanted = pl.Series(sorted(set(indexes)), dtype=pl.Int64)
    found: dict[int, int] = {}
    if wanted.is_empty():
        return found
    last, first_index, line = int(wanted[-1]), 0, layout.header.lines + 1
    with path.open("rb") as f:
        f.seek(layout.data_offset)
        reader = Pieces(f, layout.data_offset)
        for piece in reader:
            data = bytes(piece.data)  # the piece's view lasts until the next read
            records = _records(data, final=piece.final)
            if records.is_empty():  # a record longer than the piece: read on
                reader.give_back(piece, 0)
                continue
            used = int(records.str.len_bytes().sum())
            if used < len(data):
                reader.give_back(piece, used)
            frame = pl.DataFrame({"record": records}).select(
                (pl.int_range(pl.len(), dtype=pl.Int64) + first_index).alias("index"),
                pl.col("record")
                .str.count_matches("\n", literal=True)
                .cum_sum()
                .shift(1, fill_value=0)
                .alias("shift"),
            )
            hits = frame.filter(pl.col("index").is_in(wanted.implode()))
            lines = (hits["shift"] + line).to_list()
            found.update(zip(hits["index"].to_list(), lines, strict=True))
            first_index += frame.height
            line += data.count(b"\n", 0, used)
            if first_index > last:
                break
    return found


def _records(data: bytes, *, final: bool) -> pl.Series:
    """The whole records of a piece of a valid file, in order (the last one may be given
    back); `final`: the piece runs to the end of the file."""
    text = pl.Series([data.decode()])
    valid = len(data) - int(text.str.replace(syntax.records_pattern(None), "").str.len_bytes()[0])
    if final:
        valid = len(data)  # the last record, without a line break
    records = pl.Series([data[:valid].decode()]).str.extract_all(syntax.ANY_RECORD)
    records = records.explode().drop_nulls()
    return records.filter(records.str.len_bytes() > 0)
