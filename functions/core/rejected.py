"""Rejected rows: kept raw during the main pass, explained after it (reasons, line numbers).

The main pass keeps each batch's rejected rows (IDX, raw fields, DUPLICATE), holding up to
HELD_BYTES of them in memory and writing them past it as a small Arrow file in the scratch
folder, so memory stays bounded however many rows are rejected. After the pass the rules'
reasons are computed on those rows only: the first MAX_REPORTED_ROW_ERRORS become the
Outcome's RowErrors and, when the file is accepted, every one goes to the rejected-rows file
(the raw fields, then `line` and `reason`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from functions.core import rules
from functions.core.header import Header
from functions.core.lines import LineNumbers, line_numbers
from functions.core.outcome import MAX_REPORTED_ROW_ERRORS, RowError
from functions.core.output import csv_line
from functions.core.scan import IDX, raw_columns, required_columns
from functions.core.structure import Layout
from functions.core.syntax import Field

LINE = "__line"
# The rejected rows held in memory before they are written as a part. A part written during
# the main pass is a polars frame operation on the main thread, which waits there for
# polars' thread pool, busy with the stream: per batch, on a file with rejected rows in
# every batch, it cost 0.15 s of 0.52 per 1M rows (bench/README.md). Held, the rows of a
# usual file are written once, after the stream.
HELD_BYTES = 8 << 20


class RejectedRows:
    """The rejected rows of one run: those held (up to HELD_BYTES), then Arrow files in
    `scratch`."""

    def __init__(self, scratch: Path, header: Header) -> None:
        self._scratch = scratch
        self._columns = [IDX, *raw_columns(header), rules.DUPLICATE]
        self.parts: list[Path] = []
        self._held: list[pl.DataFrame] = []
        self._held_bytes = 0

    def add(self, batch: pl.DataFrame, rejected: pl.Series | None = None) -> None:
        """Keep a batch's rejected rows, where `rejected` is True (all when it is None); the
        main pass calls this once per batch with some. Only the columns kept are copied,
        column by column (Series operations, which the stream's pool does not hold up)."""
        columns = [batch[c] for c in self._columns]
        if rejected is not None:
            columns = [c.filter(rejected) for c in columns]
        rows = pl.DataFrame([_own_copy(c) for c in columns])
        self._held.append(rows)
        self._held_bytes += int(rows.estimated_size())
        if self._held_bytes > HELD_BYTES:
            self._write_held()

    def scan(self) -> pl.LazyFrame:
        """The rows kept, in IDX order (at least one row must have been added)."""
        self._write_held()
        return pl.scan_ipc(self.parts)

    def _write_held(self) -> None:
        """The rows held, written as the next part."""
        if not self._held:
            return
        part = self._scratch / f"rejected-{len(self.parts):06d}.arrow"
        pl.concat(self._held, rechunk=False).write_ipc(part)
        self.parts.append(part)
        self._held, self._held_bytes = [], 0


def _own_copy(column: pl.Series) -> pl.Series:
    """`column`, a String one's text copied into buffers of its own. The views a filter
    leaves still point into the whole batch's buffers: held, they would keep every batch's
    text alive (+120 MiB on 4M rows, tests/functions/core/test_memory.py); appending ""
    writes new strings (nulls stay null)."""
    return column + "" if column.dtype == pl.String else column


def row_errors(
    source: Path,
    layout: Layout,
    source_timezone: str,
    rejected: RejectedRows,
    write_to: Path | None,
) -> tuple[RowError, ...]:
    """The first MAX_REPORTED_ROW_ERRORS rejected rows' errors; all written to `write_to` if set."""
    header = layout.header
    head = (
        _explained(rejected, header, source_timezone, MAX_REPORTED_ROW_ERRORS)
        .select(IDX, rules.REASON)
        .collect()
    )

    def needed() -> list[int]:
        indexes = head if write_to is None else rejected.scan().select(IDX).collect()
        return indexes[IDX].to_list()

    lines = line_numbers(source, layout, needed)
    errors = tuple(
        RowError(line=lines.of(i), reason=r)
        for i, r in zip(head[IDX].to_list(), head[rules.REASON].to_list(), strict=True)
    )
    if write_to is not None:
        _write_rejected_file(write_to, rejected, header, source_timezone, lines)
    return errors


def _explained(
    rejected: RejectedRows, header: Header, source_timezone: str, limit: int | None
) -> pl.LazyFrame:
    rows = rejected.scan()
    if limit is not None:
        rows = rows.head(limit)
    return rules.with_reasons(rows, required_columns(header), source_timezone)


def _write_rejected_file(
    path: Path, rejected: RejectedRows, header: Header, source_timezone: str, lines: LineNumbers
) -> None:
    """The rejected-rows file: the header's names, then `line` and `reason`; atomically."""
    frame = _explained(rejected, header, source_timezone, None).select(
        *raw_columns(header), lines.expr().alias(LINE), rules.REASON
    )
    with _temp_path(path, ".tmp") as tmp:
        names = [*header.fields, Field("line", quoted=False), Field("reason", quoted=False)]
        tmp.write_bytes(csv_line(names))
        with tmp.open("ab") as handle:
            frame.sink_csv(handle, include_header=False, engine="streaming")
        tmp.replace(path)


@contextlib.contextmanager
def _temp_path(near: Path, suffix: str) -> Iterator[Path]:
    fd, name = tempfile.mkstemp(prefix=f".{near.name}.", suffix=suffix, dir=near.parent)
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
