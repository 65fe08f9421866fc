"""File-level errors: the cheap helpers agree with the exact csv-module scan, and each
message names the problem (and its line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.core.structure import (
    after_pass_error,
    find_structural_error,
    may_have_short_rows,
    read_header,
    reader_error,
)

HEADER = b"transaction_id,customer_id,amount,timestamp,note,memo\n"


@pytest.mark.parametrize(
    ("body", "rows", "trailing_nulls", "max_trailing", "expected"),
    [
        # complete rows ending in empty fields: trailing commas match the nulls
        (b"t1,c,1,2024-01-01,,\nt2,c,1,2024-01-01,x,\nt3,c,1,2024-01-01,x,y\n", 3, 3, 2, False),
        (b"t1,c,1,2024-01-01,,\r\nt2,c,1,2024-01-01,x,\r\n", 2, 3, 2, False),
        (b"t1,c,1,2024-01-01,x,\nt2,c,1,2024-01-01,,", 2, 3, 2, False),
        # short rows padded by polars: fewer trailing commas than nulls
        (b"t1,c,1,2024-01-01,x\nt2,c,1,2024-01-01,x,y\n", 2, 1, 1, True),
        (b"t1,c,1,2024-01-01,\nt2,c,1,2024-01-01,x,y\n", 2, 2, 2, True),
        # a quoted line break: lines and records differ, so the exact scan must decide
        (b't1,c,1,2024-01-01,"a\nb",\n', 1, 1, 1, True),
    ],
)
def test_may_have_short_rows(
    tmp_path: Path, body: bytes, rows: int, trailing_nulls: int, max_trailing: int, expected: bool
) -> None:
    source = tmp_path / "f.csv"
    source.write_bytes(HEADER + body)
    header = read_header(source)

    assert may_have_short_rows(source, header, rows, trailing_nulls, max_trailing) is expected
    # the cheap test never misses what the exact scan finds
    if find_structural_error(source, header) is not None:
        assert expected


@pytest.mark.parametrize(
    ("body", "rows", "trailing_nulls", "max_trailing", "expected"),
    [
        (b"t1,c,1,2024-01-01,x,y\n", 1, 0, 0, None),
        (b"t1,c,1,2024-01-01,,\n", 1, 2, 2, None),  # empty fields, no short row
        (b"t1,c,1,2024-01-01,x\n", 1, 1, 1, "line 2: 5 fields, expected 6 like the header"),
        (b"", 0, 0, 0, "the file has a header but no data rows"),
    ],
)
def test_after_pass_error(
    tmp_path: Path,
    body: bytes,
    rows: int,
    trailing_nulls: int,
    max_trailing: int,
    expected: str | None,
) -> None:
    source = tmp_path / "f.csv"
    source.write_bytes(HEADER + body)

    found = after_pass_error(source, read_header(source), rows, trailing_nulls, max_trailing)

    assert found == expected


def test_reader_error_explains_the_file_or_nothing(tmp_path: Path) -> None:
    source = tmp_path / "f.csv"
    source.write_bytes(HEADER + b"t1,c,1,2024-01-01,x,y\n")
    header = read_header(source)

    assert reader_error(OSError("No space left on device"), source, header) is None
    source.write_bytes(HEADER + b"t1,c,1,2024-01-01,\xff,y\n")  # what polars then reports
    assert reader_error(ValueError("invalid utf-8 sequence"), source, header) == (
        "the file is not valid UTF-8 (line 2, byte offset 72)"
    )
