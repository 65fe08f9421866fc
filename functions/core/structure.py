"""File-level (structural) checks of data-contract.md §2 that polars' reader does not make itself.

polars' CSV reader rejects invalid UTF-8, broken quoting and rows with too many fields, but
pads rows with too few fields and reports errors without line numbers. The helpers here
read the header, translate polars' reader errors, and (only when needed) scan the file with
the `csv` module in bounded memory to find the exact offending line. Every message here is
a structural error: the whole file fails with it.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REQUIRED_COLUMNS = ("transaction_id", "customer_id", "amount", "timestamp")
BOM = codecs.BOM_UTF8
CHUNK = 1 << 20

csv.field_size_limit(sys.maxsize)


class StructuralError(Exception):
    """The file as a whole is invalid; the message is meant for humans."""


@dataclass(frozen=True)
class Header:
    """The header row: raw names, the index of each required column, its physical lines."""

    names: tuple[str, ...]
    required: dict[str, int]
    lines: int


def _open_text(path: Path) -> io.TextIOWrapper:
    return io.TextIOWrapper(path.open("rb"), encoding="utf-8-sig", newline="")


def check_not_empty(path: Path) -> None:
    """Raise when the object has no content (zero bytes, or only a BOM)."""
    with path.open("rb") as f:
        head = f.read(len(BOM) + 1)
    if not head or head == BOM:
        raise StructuralError("the file is empty")


def read_header(path: Path) -> Header:
    """Parse and check the header row (trimmed, case-insensitive required columns)."""
    try:
        with _open_text(path) as text:
            reader = csv.reader(text, strict=True)
            names = next(reader, [])
            lines = reader.line_num
    except UnicodeDecodeError:
        raise StructuralError(utf8_error_message(path)) from None
    except csv.Error as exc:
        raise StructuralError(f"line 1: the header is not valid CSV ({exc})") from None
    keys = [name.strip().lower() for name in names]
    required: dict[str, int] = {}
    for column in REQUIRED_COLUMNS:
        count = keys.count(column)
        if count == 0:
            raise StructuralError(f"the header has no required column '{column}'")
        if count > 1:
            raise StructuralError(f"the header has the required column '{column}' {count} times")
        required[column] = keys.index(column)
    return Header(names=tuple(names), required=required, lines=max(lines, 1))


def utf8_error_message(path: Path) -> str:
    """Message naming the line and byte offset of the first invalid UTF-8 sequence."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    newlines = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                newlines += chunk.count(b"\n", 0, max(exc.start, 0))
                return (
                    f"the file is not valid UTF-8 (line {newlines + 1}, "
                    f"byte offset {offset + max(exc.start, 0)})"
                )
            newlines += chunk.count(b"\n")
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return f"the file is not valid UTF-8 (truncated sequence at byte offset {offset})"
    return "the file is not valid UTF-8"


def _trailing_commas(line: bytes) -> int:
    line = line.rstrip(b"\r\n")
    return len(line) - len(line.rstrip(b","))


def may_have_short_rows(
    path: Path, header: Header, rows: int, trailing_nulls: int, max_trailing: int
) -> bool:
    """Cheap test that no record has fewer fields than the header (False = certainly none).

    polars pads a short row with null fields and reads an unquoted empty field as null too.
    In a file whose records are single lines, a complete row ending in k null fields ends
    in exactly k commas before its line break (k - 1 when all its fields are empty), and a
    short row in fewer: so the rows' trailing nulls (counted by polars) equal the trailing
    commas counted here in the raw bytes only if no row is short. True means "scan it".
    """
    if header.lines != 1:
        return True
    with path.open("rb") as f:
        header_commas = _trailing_commas(f.readline())
    run = max(max_trailing, header_commas)
    patterns = [b"," * k + end for k in range(1, run + 1) for end in (b"\n", b"\r\n")]
    commas = newlines = 0
    carry = b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            data = carry + chunk
            cut = data.rfind(b"\n") + 1  # count whole lines only: no pattern spans chunks
            block, carry = data[:cut], data[cut:]
            newlines += block.count(b"\n")
            commas += sum(block.count(pattern) for pattern in patterns)
    if carry:  # a last line without a line break
        newlines += 1
        commas += min(_trailing_commas(carry), run)
    if newlines != 1 + rows:
        return True  # quoted line breaks: records and lines differ, let the scan decide
    return commas - min(header_commas, run) != trailing_nulls


def records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) of each record, data rows only."""
    with _open_text(path) as text:
        reader = csv.reader(text, strict=True)
        previous = 0
        first = True
        while True:
            start = previous + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise StructuralError(utf8_error_message(path)) from None
            except csv.Error as exc:
                if "end of data" in str(exc) or "unexpected end" in str(exc):
                    raise StructuralError(
                        f"line {start}: unterminated quoted field (a '\"' is never closed)"
                    ) from None
                raise StructuralError(
                    f"line {reader.line_num}: malformed quoting ({exc})"
                ) from None
            previous = reader.line_num
            if first:
                first = False
                continue
            yield start, record


def find_structural_error(path: Path, header: Header) -> str | None:
    """Full scan: the first structural problem (ragged row, quoting, encoding), if any."""
    width = len(header.names)
    try:
        for line, record in records(path):
            if len(record) != width:
                if not record:
                    return f"line {line}: empty line (expected {width} fields like the header)"
                return f"line {line}: {len(record)} fields, expected {width} like the header"
    except StructuralError as exc:
        return str(exc)
    return None


def after_pass_error(
    path: Path, header: Header, rows: int, trailing_nulls: int, max_trailing: int
) -> str | None:
    """What the main pass alone cannot tell: a short row (polars padded it), or no data rows.

    polars pads short rows with nulls: only rows ending in null fields can be short ones, so
    the exact scan runs only when the cheap count (may_have_short_rows) cannot rule them out.
    """
    if trailing_nulls and may_have_short_rows(path, header, rows, trailing_nulls, max_trailing):
        message = find_structural_error(path, header)
        if message is not None:
            return message
    if rows == 0:
        return "the file has a header but no data rows"
    return None


def reader_error(exc: Exception, path: Path, header: Header) -> str | None:
    """The structural error behind a polars reader error; None when it is not about the file."""
    return find_structural_error(path, header) or _polars_structural(exc, path)


def _polars_structural(exc: Exception, path: Path) -> str | None:
    """Translate a polars reader error the csv-module scan did not explain."""
    lowered = str(exc).lower()
    if "utf-8" in lowered or "utf8" in lowered:
        return utf8_error_message(path)
    if "malformed" in lowered or "could not parse" in lowered or "more fields" in lowered:
        return (
            "malformed CSV quoting: a '\"' inside an unquoted field or text after a closing "
            "quote (RFC 4180 requires such fields to be quoted, with '\"' doubled)"
        )
    return None
