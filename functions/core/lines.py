"""Line numbering: the 1-based physical line (header = line 1) where each data record starts.

When no record spans several lines (the usual case, checked by counting line breaks) record
i starts on line `header.lines + 1 + i`; otherwise quoted fields hold line breaks and the
lines of the records needed are found by a csv-module scan of the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from functions.core.scan import IDX
from functions.core.structure import CHUNK, Header, records


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


def line_numbers(
    path: Path, header: Header, rows_total: int, needed: Callable[[], Iterable[int]]
) -> LineNumbers:
    """Line numbers of the data records; `needed()` (asked only if a scan is needed) says which."""
    first = header.lines + 1
    if records_are_single_lines(path, header, rows_total):
        return LineNumbers(first)
    return LineNumbers(first, record_lines(path, needed()))


def count_newlines(path: Path) -> tuple[int, bool]:
    """Number of LF bytes in the file and whether it ends with one."""
    total = 0
    last = b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            total += chunk.count(b"\n")
            last = chunk[-1:]
    return total, last == b"\n"


def records_are_single_lines(path: Path, header: Header, rows_total: int) -> bool:
    """Whether no record spans several lines, so data row i starts on line header.lines + 1 + i."""
    newlines, ends_with_lf = count_newlines(path)
    return newlines + (0 if ends_with_lf else 1) == header.lines + rows_total


def record_lines(path: Path, indexes: Iterable[int]) -> dict[int, int]:
    """Physical start line of the data records with the given 0-based indexes."""
    wanted = sorted(set(indexes))
    found: dict[int, int] = {}
    if not wanted:
        return found
    pos = 0
    for index, (line, _record) in enumerate(records(path)):
        if index == wanted[pos]:
            found[index] = line
            pos += 1
            if pos == len(wanted):
                break
    return found
