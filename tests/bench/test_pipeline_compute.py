"""The ``pipeline`` row computes what both handlers compute: the core's output, once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bench import pipeline_compute
from functions.core import CoreConfig, process_file

BODY = (
    b"transaction_id,customer_id,amount,timestamp\n"
    b"t1,c1,1.5,2024-01-02T03:04:05Z\nt2,c2,bad,2024-01-02T03:04:05Z\n"
)


def test_same_output_and_counts_as_the_core(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(BODY)
    config = CoreConfig(max_invalid_row_ratio=Decimal(1))

    ours = process_file(source, tmp_path / "a.csv", config=config, rejected=tmp_path / "ra.csv")
    piped = pipeline_compute.process_file(
        source, tmp_path / "b.csv", config=config, rejected=tmp_path / "rb.csv"
    )

    assert (piped.rows_total, piped.rows_valid, piped.rows_rejected) == (2, 1, 1)
    assert piped == ours
    assert (tmp_path / "b.csv").read_bytes() == (tmp_path / "a.csv").read_bytes()
