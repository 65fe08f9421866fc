"""Rejected rows explained: the first 100 RowErrors, and the rejected-rows file with the raw
fields, the physical line and the reason of every rejected row."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from functions.core import CoreConfig, RowError, rules, validate_file
from functions.core import rejected as rejected_module
from functions.core.rejected import RejectedRows, row_errors
from functions.core.scan import IDX
from functions.core.structure import read_layout

SOURCE = (
    "transaction_id,customer_id,amount,timestamp,note\n"
    't1,c,1.00,2024-01-01,"two\nlines"\n'
    " t2 ,,x,2024-13-01,n\n"
    't1,c,1.00,2024-01-01,"a,b"\n'
    "t4,c,2,2024-01-01,n\n"
)
# what the main pass keeps of rows 1 (three rules broken) and 2 (a repeated id)
KEPT = pl.DataFrame(
    {
        IDX: [1, 2],
        "c0": [" t2 ", "t1"],
        "c1": [None, "c"],
        "c2": ["x", "1.00"],
        "c3": ["2024-13-01", "2024-01-01"],
        "c4": ["n", "a,b"],
        rules.DUPLICATE: [False, True],
    },
    schema_overrides={IDX: pl.UInt32},
)
REASONS = [
    "customer_id is empty; amount 'x' is not a plain decimal number; "
    "timestamp '2024-13-01' is not a valid date/time",
    "transaction_id 't1' is a duplicate of an earlier row",
]


def test_row_errors_and_the_rejected_rows_file(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(SOURCE)
    layout = read_layout(source)
    rejected = RejectedRows(tmp_path, layout.header)
    rejected.add(KEPT.head(1))
    rejected.add(KEPT.tail(1))
    target = tmp_path / "rejected.csv"

    errors = row_errors(source, layout, "UTC", rejected, write_to=target)

    # line 2 holds a quoted line break: the rejected records start on lines 4 and 5
    assert errors == (RowError(4, REASONS[0]), RowError(5, REASONS[1]))
    assert target.read_text() == (
        "transaction_id,customer_id,amount,timestamp,note,line,reason\n"
        f" t2 ,,x,2024-13-01,n,4,{REASONS[0]}\n"
        f't1,c,1.00,2024-01-01,"a,b",5,{REASONS[1]}\n'
    )


@pytest.mark.parametrize("held_bytes", [1 << 30, 1, 300])
def test_rejected_rows_are_held_then_written_as_parts_and_read_back_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held_bytes: int
) -> None:
    # held in memory up to HELD_BYTES (none written while the stream runs), written as a
    # part past it; either way every row comes back, in order, with its fields
    monkeypatch.setattr(rejected_module, "HELD_BYTES", held_bytes)
    source = tmp_path / "in.csv"
    source.write_text(SOURCE)
    rejected = RejectedRows(tmp_path / "scratch", read_layout(source).header)
    (tmp_path / "scratch").mkdir()
    batch = pl.concat([KEPT.with_columns(pl.col(IDX) + 2 * i) for i in range(20)])
    for start in range(0, batch.height, 4):
        part = batch.slice(start, 4)
        rejected.add(part, pl.Series([True, False, True, True][: part.height]))

    written_during_the_pass = len(rejected.parts)
    kept = rejected.scan().collect()

    expected = pl.concat(
        b.filter(pl.Series([True, False, True, True][: b.height]))
        for b in (batch.slice(s, 4) for s in range(0, batch.height, 4))
    )
    assert kept.equals(expected)
    if held_bytes == 1 << 30:  # all held: one part, written when they are read
        assert (written_during_the_pass, len(rejected.parts)) == (0, 1)
    elif held_bytes == 1:  # each batch's rows past the bound at once
        assert written_during_the_pass == len(rejected.parts) == 10
    else:
        assert 0 < written_during_the_pass < 10


def test_first_hundred_row_errors_in_line_order(tmp_path: Path) -> None:
    rows = [f"t{i},c,bad,2024-01-01" for i in range(150)]
    source = tmp_path / "many.csv"
    source.write_text("transaction_id,customer_id,amount,timestamp\n" + "\n".join(rows) + "\n")

    outcome = validate_file(source, config=CoreConfig())

    assert outcome.rows_rejected == 150
    assert [e.line for e in outcome.row_errors] == list(range(2, 102))
    assert outcome.error_report()["row_errors_truncated"] is True
