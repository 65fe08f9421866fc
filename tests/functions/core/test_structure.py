"""The cheap structural helpers agree with the exact csv-module scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.core.structure import find_structural_error, may_have_short_rows, read_header

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
