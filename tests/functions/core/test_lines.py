"""Line numbers of data records: arithmetic on one-line records, a scan when fields hold newlines."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from functions.core.lines import line_numbers, record_lines, records_are_single_lines
from functions.core.scan import IDX
from functions.core.structure import read_header


def _never() -> list[int]:
    raise AssertionError("a file of one-line records needs no scan")


def test_one_line_records_are_numbered_without_a_scan(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"transaction_id,customer_id,amount,timestamp\r\nt,c,1,x\r\nt,c,1,x")
    header = read_header(source)

    lines = line_numbers(source, header, 2, _never)

    assert records_are_single_lines(source, header, 2)
    assert [lines.of(0), lines.of(1)] == [2, 3]
    frame = pl.DataFrame({IDX: [0, 1]}, schema={IDX: pl.UInt32})
    assert frame.select(lines.expr()).to_series().to_list() == [2, 3]


def test_quoted_newlines_shift_the_lines_of_later_records(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        'transaction_id,customer_id,amount,timestamp,"no\nte"\n'  # a header of two lines
        't0,c,1,x,"a\nb\nc"\n'
        "t1,c,1,x,\n"
        't2,c,1,x,"\n"\n'
        "t3,c,1,x,\n"
    )
    header = read_header(source)

    lines = line_numbers(source, header, 4, lambda: [1, 3])

    assert not records_are_single_lines(source, header, 4)
    assert [lines.of(1), lines.of(3)] == [6, 9]
    frame = pl.DataFrame({IDX: [3, 1]}, schema={IDX: pl.UInt32})
    assert frame.select(lines.expr()).to_series().to_list() == [9, 6]
    assert record_lines(source, [0, 2, 3]) == {0: 3, 2: 7, 3: 9}
