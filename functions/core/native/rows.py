"""The binding of rows.c: a batch's columns written as data-contract.md §4's CSV lines, with
the exact sum of their amounts (functions/core/output.py writes the output with it): String
columns as their text, and one Int64 column of UTC microseconds as §4's timestamps."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import polars as pl

from functions.core.native import (
    _BOOLEAN,
    _INT64,
    _STRING_VIEW,
    _Array,
    _check,
    _exported,
    _lib,
)

_NO_ROOM = -4  # etl_write_rows: the row does not fit in the buffer


def _aligned_chunks(series: list[pl.Series]) -> Iterator[list[pl.Series]]:
    """The rows of `series` (of one length) as pieces of one chunk each, row-aligned: their
    own chunks where all are cut at the same rows (a batch's columns usually are), else
    each rechunked whole."""
    chunks = [s.get_chunks() for s in series]
    if all(len(c) == len(chunks[0]) for c in chunks) and all(
        len({len(piece) for piece in pieces}) == 1 for pieces in zip(*chunks, strict=True)
    ):
        yield from (list(pieces) for pieces in zip(*chunks, strict=True))
    else:
        yield [s.rechunk() for s in series]


class RowWriter:
    """Rows of String columns written as data-contract.md §4's CSV lines (rows.c), through
    a buffer of its own of `capacity` bytes (grown when one row needs more)."""

    def __init__(self, capacity: int = 1 << 20) -> None:
        self._buffer = ctypes.create_string_buffer(capacity)

    def write(
        self,
        columns: list[pl.Series],
        keep: pl.Series | None,
        amount: int | None,
        sink: Callable[[memoryview], object],
        instant: int | None = None,
    ) -> int:
        """Write the rows where `keep` is True (every row when it is None) to `sink`, a
        buffer's worth at a time; return the sum of column `amount`'s values over them in
        hundredths (0 when `amount` is None), exactly. The columns are of one length and
        String, but column `instant`, Int64 UTC microseconds written as §4's timestamps
        (native.format_instants' text; nothing for a null); `amount`'s values §4's amounts."""
        total, used = (ctypes.c_uint64 * 2)(), ctypes.c_int64()
        series = [*columns, *([] if keep is None else [keep])]
        formats = [_INT64 if j == instant else _STRING_VIEW for j in range(len(columns))]
        for piece in _aligned_chunks(series):
            with ExitStack() as stack:
                arrays = [
                    stack.enter_context(_exported(c, f))
                    for c, f in zip(piece[: len(columns)], formats, strict=True)
                ]
                pointers = (ctypes.POINTER(_Array) * len(arrays))(*map(ctypes.pointer, arrays))
                kept = None if keep is None else stack.enter_context(_exported(piece[-1], _BOOLEAN))
                row = 0
                while row < len(piece[0]):
                    after = _lib.etl_write_rows(
                        pointers, len(arrays), kept, -1 if amount is None else amount,
                        -1 if instant is None else instant, row,
                        self._buffer, len(self._buffer), ctypes.byref(used), ctypes.byref(total),
                    )  # fmt: skip
                    if after == _NO_ROOM:  # row `row` alone may need more than the buffer
                        self._buffer = ctypes.create_string_buffer(used.value)
                        continue
                    _check("etl_write_rows", min(int(after), 0))
                    sink(memoryview(self._buffer)[: used.value])
                    row = after
        cents = total[0] | total[1] << 64
        return cents - (1 << 128) if cents >> 127 else cents
