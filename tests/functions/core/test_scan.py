"""The polars scan: every field text under a positional name, rows numbered, nulls kept apart."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from functions.core import scan
from functions.core.structure import read_header


def _source(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(text)
    return path


def test_rows_are_text_named_by_position_and_numbered_from_zero(tmp_path: Path) -> None:
    source = _source(
        tmp_path, 'Amount,transaction_id,customer_id,timestamp,x\n007,t,"",2024-01-01,\n'
    )
    header = read_header(source)

    rows = scan.scan(source, header).collect()

    assert rows.columns == [scan.IDX, "c0", "c1", "c2", "c3", "c4"]
    assert rows.row(0) == (0, "007", "t", "", "2024-01-01", None)  # quoted "" vs unquoted empty
    assert scan.required_columns(header) == {
        "transaction_id": "c1",
        "customer_id": "c2",
        "amount": "c0",
        "timestamp": "c3",
    }


def test_batches_stream_the_rows_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "".join(f"t{i},c,1,2024-01-01\n" for i in range(25))
    source = _source(tmp_path, "transaction_id,customer_id,amount,timestamp\n" + rows)
    monkeypatch.setattr(scan, "BATCH_ROWS", 10)

    batches = list(scan.batches(scan.scan(source, read_header(source))))

    assert [b.height for b in batches] == [10, 10, 5]
    assert pl.concat(batches)[scan.IDX].to_list() == list(range(25))
