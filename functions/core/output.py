"""The transformed file (data-contract.md §4): the header, required columns under their
canonical names, then the valid rows in file order, normalized values in place of the raw
required fields and the other fields unchanged.

It is written to a scratch file next to its target and renamed into place only when the
file is accepted, so a rejected file never leaves a partial output behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from types import TracebackType

import polars as pl

from functions.core import rules
from functions.core.header import Header
from functions.core.native.rows import RowWriter
from functions.core.scan import raw_columns, required_columns
from functions.core.syntax import Field

_NEEDS_QUOTES = (",", '"', "\r", "\n")


def csv_field(field: Field) -> str:
    """§4: quoted exactly when the value holds , " CR or LF (`"` doubled), or is a quoted ""."""
    if any(c in field.value for c in _NEEDS_QUOTES) or (field.quoted and not field.value):
        return '"' + field.value.replace('"', '""') + '"'
    return field.value


def csv_line(fields: Iterable[Field]) -> bytes:
    """One record as §4 writes it (as native.rows.RowWriter writes the rows), ending with LF."""
    return (",".join(csv_field(f) for f in fields) + "\n").encode()


def header_fields(header: Header) -> list[Field]:
    """The input header's fields, the required columns' replaced by their canonical names."""
    canonical = {i: name for name, i in header.required.items()}
    return [
        Field(canonical[i], quoted=False) if i in canonical else field
        for i, field in enumerate(header.fields)
    ]


def header_names(header: Header) -> list[str]:
    """The output header's names."""
    return [f.value for f in header_fields(header)]


def row_columns(header: Header) -> list[str]:
    """The frame's columns holding a row's output fields: each raw field's, or the
    normalized value's for a required one."""
    normalized = rules.normalized_columns(required_columns(header))
    return [normalized.get(c, c) for c in raw_columns(header)]


class Output:
    """The output being written to `scratch`; `commit` moves it to `target`.

    The rows are written by the native writer (native.rows.RowWriter, the quoting of `csv_field`),
    which also sums the amounts it writes (`amount_total`), exactly: the proof of processing
    (docs/pipeline.md §2) needs that sum, and it costs nothing more than the write instead of
    a second read of the whole output. The normalized timestamp comes as the rules' instant
    (Int64 UTC microseconds, `rules.normalized(..., as_text=False)`), which the writer
    formats as it writes the row: no text column is built for it.
    """

    def __init__(self, scratch: Path, target: Path, header: Header) -> None:
        self._scratch, self._target = scratch, target
        self._columns = row_columns(header)
        self._amount = self._columns.index(rules.AMOUNT)
        self._instant = self._columns.index(rules.TIMESTAMP)
        self._cents = 0
        self._writer = RowWriter()
        scratch.write_bytes(csv_line(header_fields(header)))
        self._handle = scratch.open("ab")

    def write(self, batch: pl.DataFrame, valid: pl.Series | None = None) -> None:
        """Append a batch's valid rows (those where `valid` is True; all when it is None);
        its timestamp column is the instant."""
        columns = [batch[c] for c in self._columns]
        self._cents += self._writer.write(
            columns, valid, self._amount, self._handle.write, instant=self._instant
        )

    @property
    def amount_total(self) -> str:
        """The exact sum of the amounts written so far, two fraction digits (`"1234.50"`)."""
        return format(Decimal(self._cents).scaleb(-2), ".2f")

    def commit(self) -> None:
        """The file was accepted: the output (complete, closed) takes its final name."""
        self._handle.close()
        self._scratch.replace(self._target)

    def __enter__(self) -> Output:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._handle.close()
