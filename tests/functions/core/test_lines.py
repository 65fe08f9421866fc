"""Line numbers of data records: arithmetic on one-line records, a scan when fields hold line
breaks; only a LF breaks a line (a CR inside quotes does not)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from functions.core import chunks
from functions.core.lines import line_numbers, record_lines
from functions.core.scan import IDX
from functions.core.structure import read_layout


def _never() -> list[int]:
    raise AssertionError("a file of one-line records needs no scan")


def test_one_line_records_are_numbered_without_a_scan(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"transaction_id,customer_id,amount,timestamp\r\nt,c,1,x\r\nt,c,1,x")
    layout = read_layout(source)

    lines = line_numbers(source, layout, _never)

    assert layout.one_line_records
    assert [lines.of(0), lines.of(1)] == [2, 3]
    frame = pl.DataFrame({IDX: [0, 1]}, schema={IDX: pl.UInt32})
    assert frame.select(lines.expr()).to_series().to_list() == [2, 3]


QUOTED_BREAKS = (
    'transaction_id,customer_id,amount,timestamp,"no\nte"\n'  # a header of two lines
    't0,c,1,x,"a\nb\r\nc"\n'
    't1,c,1,x,"\r"\n'  # a CR inside quotes is data, not a line break
    't2,c,1,x,"\n"\r\n'
    "t3,c,1,x,"
)


def test_quoted_line_breaks_shift_the_lines_of_later_records(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(QUOTED_BREAKS, newline="")
    layout = read_layout(source)

    lines = line_numbers(source, layout, lambda: [1, 3])

    assert not layout.one_line_records
    assert (layout.records, layout.lines) == (4, 7)
    assert [lines.of(1), lines.of(3)] == [6, 9]
    frame = pl.DataFrame({IDX: [3, 1]}, schema={IDX: pl.UInt32})
    assert frame.select(lines.expr()).to_series().to_list() == [9, 6]
    assert record_lines(source, layout, [0, 2, 3]) == {0: 3, 2: 7, 3: 9}


def test_records_are_numbered_across_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.csv"
    rows = "".join(f't{i},c,1,"x{i % 3 * chr(10)}"\n' for i in range(300))
    source.write_text("transaction_id,customer_id,amount,timestamp\n" + rows)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 64)
    layout = read_layout(source)

    found = record_lines(source, layout, range(300))

    expected, line = {}, 2
    for i in range(300):
        expected[i] = line
        line += 1 + i % 3
    assert found == expected
