"""File-level (structural) checks, data-contract.md §2: one streaming pass before any row.

The header is read by the tokenizer (syntax.read_record); the data records, piece by piece
(chunks.py), first by one C pass (native/records.c) that accepts a piece of whole one-line
records of the header's width, the usual case; any other piece by the anchored record
patterns in polars' Rust regex engine: UTF-8, quoting, lone CRs, field counts and blank
lines, with no Python loop over the file. The record the
patterns stop at is explained by the tokenizer, naming its line (and byte offset). Every
problem raises StructuralError: the whole file fails with its message. An invalid UTF-8
byte anywhere in the file is reported before any syntax problem.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NoReturn

import polars as pl

from functions.core import chunks, native, syntax
from functions.core.chunks import Piece, Pieces
from functions.core.encoding import BOM, text_series, utf8_error
from functions.core.header import Header, StructuralError, header_from

__all__ = ["Header", "Layout", "StructuralError", "read_header", "read_layout"]

_HEADER_BLOCK = 1 << 16


@dataclass(frozen=True)
class Layout:
    """A structurally valid file: its header, its data records and the lines they take."""

    header: Header
    data_offset: int  # of the first data record, in bytes from the start of the file
    records: int
    lines: int  # physical lines of the data records (a final line break starts none)

    @property
    def one_line_records(self) -> bool:
        """No data record spans lines: record i starts on line header.lines + 1 + i."""
        return self.records == self.lines


def read_header(path: Path) -> Header:
    """The checked header (§2.2) alone."""
    with path.open("rb") as f:
        return _read_header(f, path)[0]


def read_layout(path: Path) -> Layout:
    """Check the whole file (§2); raise StructuralError with its first problem."""
    with path.open("rb") as f:
        header, offset = _read_header(f, path)
        records = lines = 0
        reader = Pieces(f, offset)
        for piece in reader:
            first_line = header.lines + 1 + lines
            used, found, lfs = _records(piece, len(header.fields), first_line, path)
            records += found
            lines += lfs
            if used < len(piece.data):  # an unfinished record: it starts the next piece
                reader.give_back(piece, used)
            elif piece.final and piece.data[-1:] != b"\n":
                lines += 1
    if records == 0:
        raise StructuralError("the file has a header but no data rows")
    return Layout(header, offset, records, lines)


def _read_header(f: BinaryIO, path: Path) -> tuple[Header, int]:
    """The header record and the byte offset where the data records start."""
    data = f.read(_HEADER_BLOCK)
    if data in (b"", BOM) and not f.read(1):
        raise StructuralError("the file is empty")
    bom = len(BOM) if data.startswith(BOM) else 0
    data, size = data[bom:], _HEADER_BLOCK
    decoder = codecs.getincrementaldecoder("utf-8")()
    text, at_end = "", False
    while True:
        try:
            text += decoder.decode(data, final=at_end)
        except UnicodeDecodeError:
            _fail(path, "the file is not valid UTF-8")
        found = syntax.read_record(text, 0, 1, at_end=at_end)
        if isinstance(found, syntax.Record):
            offset = bom + len(text[: found.end].encode())
            f.seek(offset)
            try:
                return header_from(found), offset
            except StructuralError as exc:
                _fail(path, str(exc))
        if isinstance(found, syntax.Problem):
            _fail(path, _message(found, text, bom, where=" (the header)"))
        if len(text) > chunks.MAX_RECORD_BYTES:
            _fail(path, _too_long(1))
        data = f.read(size)
        size *= 2
        at_end = not data


def _records(piece: Piece, width: int, line: int, path: Path) -> tuple[int, int, int]:
    """(bytes of `piece`, which starts on `line`, in whole valid records; their number; their
    LFs); StructuralError on the first broken record. The bytes left are an unfinished
    record, whose end is in the next piece."""
    found = native.one_line_records(piece.data, width)
    if found is not None:
        return len(piece.data), found, found  # the usual case, in one pass without a copy
    data = bytes(piece.data)
    text = text_series(data)
    if text is None:
        _fail(path, "the file is not valid UTF-8")
    size = len(data)
    limit = width if width <= syntax.MAX_PATTERN_WIDTH else None
    valid = size - _left(text, syntax.records_pattern(limit))
    if valid < size and piece.final and _is_last_record(data[valid:], limit):
        valid = size
    if limit is None:  # wide records: the pattern did not count their fields
        valid = min(valid, _first_miscounted(data[:valid], width))
    if valid < size:
        message = _explain(_Rest(data, valid, piece.offset, line, piece.final), width)
        if message is not None:
            _fail(path, message)
        if size - valid > chunks.MAX_RECORD_BYTES:
            _fail(path, _too_long(line + data.count(b"\n", 0, valid)))
    return valid, _count(data[:valid]), data.count(b"\n", 0, valid)


@dataclass(frozen=True)
class _Rest:
    """The bytes of a piece from `start`, where its valid records end; the piece starts at
    byte `offset` of the file, on `line`; `final`: it runs to the end of the file."""

    data: bytes
    start: int
    offset: int
    line: int
    final: bool


def _left(text: pl.Series, pattern: str) -> int:
    """Bytes of `text` left after the records `pattern` accepts at its start."""
    return int(text.str.replace(pattern, "").str.len_bytes()[0])


def _is_last_record(tail: bytes, limit: int | None) -> bool:
    """Whether `tail`, the end of the file, is one valid record without a line break."""
    return bool(pl.Series([tail.decode()]).str.contains(syntax.last_record_pattern(limit))[0])


def _count(valid: bytes) -> int:
    """The records of a valid text: its line feeds outside quotes, plus an unfinished line."""
    if not valid:
        return 0
    outside = pl.Series([valid.decode()]).str.replace_all(syntax.QUOTED_PART, "")
    return int(outside.str.count_matches("\n", literal=True)[0]) + (not valid.endswith(b"\n"))


def _first_miscounted(valid: bytes, width: int) -> int:
    """The byte offset of the first record of `valid` with another number of fields than
    `width` (its length when there is none)."""
    records = pl.Series([valid.decode()]).str.extract_all(syntax.ANY_RECORD).explode()
    records = records.filter(records.str.len_bytes() > 0)
    fields = records.str.replace_all(syntax.QUOTED_PART, "").str.count_matches(",") + 1
    bad = (fields != width).arg_true()
    return len(valid) if bad.is_empty() else int(records.head(bad[0]).str.len_bytes().sum())


def _explain(rest: _Rest, width: int) -> str | None:
    """The message for the first broken record of `rest`; None when that record is only
    unfinished (the piece ends inside it, the file does not)."""
    text = rest.data[rest.start :].decode()
    line = rest.line + rest.data.count(b"\n", 0, rest.start)
    pos = 0
    while pos < len(text):
        found = syntax.read_record(text, pos, line, at_end=rest.final)
        if found is None:
            return None
        if isinstance(found, syntax.Problem):
            return _message(found, text, rest.offset + rest.start)
        if len(found.fields) != width:
            return _miscount(found, width, line)
        pos, line = found.end, found.end_line
    return f"line {line}: the record is not valid CSV"


def _miscount(record: syntax.Record, width: int, line: int) -> str:
    if record.fields == (syntax.Field("", quoted=False),):
        return f"line {line}: empty line (expected {width} fields like the header)"
    return f"line {line}: {len(record.fields)} fields, expected {width} like the header"


def _message(problem: syntax.Problem, text: str, text_offset: int, where: str = "") -> str:
    offset = text_offset + len(text[: problem.pos].encode())
    return f"line {problem.line}{where}: {problem.what} (byte offset {offset})"


def _too_long(line: int) -> str:
    return (
        f"line {line}: a record longer than {chunks.MAX_RECORD_BYTES >> 20} MiB, the most one record "
        "may take (most likely a '\"' that is never closed)"
    )


def _fail(path: Path, message: str) -> NoReturn:
    """Raise the structural error; an invalid UTF-8 byte anywhere in the file comes first."""
    raise StructuralError(utf8_error(path) or message)
