"""The passes composed: one polars read of the file in either mode, outputs only for an accepted file."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from functions.core import CoreConfig, pipeline, process_file, scan, validate_file
from functions.core.pipeline import CoreError

HEADER = "transaction_id,customer_id,amount,timestamp\n"


def test_all_rows_rejected_is_not_ok_even_with_full_tolerance(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(HEADER + "t,c,x,2024-01-01\n")

    outcome = process_file(
        source,
        tmp_path / "out.csv",
        config=CoreConfig(max_invalid_row_ratio=Decimal(1)),
        rejected=tmp_path / "rejected.csv",
    )

    assert not outcome.ok
    assert "no valid rows" in outcome.error_summary()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


@pytest.mark.parametrize("ratio", ["0", "0.5"])
def test_either_mode_reads_the_file_with_polars_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ratio: str
) -> None:
    """Duplicates are found in the main pass: no second scan of the file, in either mode."""
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "t1,c,1,2024-01-01\nt1,c,2,2024-01-01\nt2,c,3,2024-01-01\n")
    calls = []
    real = pl.scan_csv
    monkeypatch.setattr(pl, "scan_csv", lambda *a, **k: calls.append(a) or real(*a, **k))

    outcome = validate_file(source, config=CoreConfig(Decimal(ratio)))

    assert len(calls) == 1
    assert [e.reason for e in outcome.row_errors] == [
        "transaction_id 't1' is a duplicate of an earlier row"
    ]


def test_accepted_file_with_rejected_rows_writes_both_outputs(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "t1,c,1,2024-01-01\nt2,c,1.005,2024-01-01\n")
    output, rejected = tmp_path / "out.csv", tmp_path / "rejected.csv"

    outcome = process_file(source, output, config=CoreConfig(Decimal("0.5")), rejected=rejected)

    assert (outcome.ok, outcome.rows_valid, outcome.rows_rejected) == (True, 1, 1)
    assert output.read_text() == HEADER + "t1,c,1.00,2024-01-01T00:00:00Z\n"
    assert rejected.read_text().splitlines()[1].startswith("t2,c,1.005,2024-01-01,3,amount")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv", "rejected.csv"]


def test_a_polars_failure_is_the_cores_error_never_polars_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "t1,c,1,2024-01-01\n")

    def broken(*_: object) -> pl.LazyFrame:
        raise pl.exceptions.ComputeError("polars internals: something about a schema")

    monkeypatch.setattr(pipeline, "scan", broken)
    with pytest.raises(CoreError) as caught:
        process_file(source, tmp_path / "out.csv", config=CoreConfig())

    assert "schema" not in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # no scratch left behind


def test_the_reader_must_find_the_records_the_structure_pass_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "t1,c,1,2024-01-01\nt2,c,1,2024-01-01\n")
    real = pipeline.scan
    monkeypatch.setattr(pipeline, "scan", lambda *a: real(*a).head(1))  # a row lost

    with pytest.raises(CoreError, match="read 1 rows where the structure checks found 2"):
        validate_file(source, config=CoreConfig())


@pytest.mark.parametrize("width", [1_000, 5_000])
def test_wide_files_are_read_whole(tmp_path: Path, width: int) -> None:
    """1,000 columns take one record pattern, 5,000 (a 60 KB header) the path for records
    too wide for one; both are linear in the width."""
    extra = [f"column_{i:05d}" for i in range(width - 4)]
    cells = ['"a,b"' if i % 7 == 0 else ("" if i % 5 == 0 else "v") for i in range(width - 4)]
    source = tmp_path / "wide.csv"
    rows = [f"t{r},c,{r}.5,2024-01-0{r + 1}," + ",".join(cells) for r in range(3)]
    source.write_text(
        ",".join(["Transaction_ID", "customer_id", "amount", "timestamp", *extra])
        + "\n"
        + "\n".join(rows)
    )
    output = tmp_path / "out.csv"

    outcome = process_file(source, output, config=CoreConfig())

    assert (outcome.ok, outcome.rows_total) == (True, 3)
    expected = [f"t{r},c,{r}.50,2024-01-0{r + 1}T00:00:00Z," + ",".join(cells) for r in range(3)]
    header = ",".join(["transaction_id", "customer_id", "amount", "timestamp", *extra])
    assert output.read_text() == header + "\n" + "\n".join(expected) + "\n"


def test_the_outcome_sums_the_output_over_every_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan, "BATCH_ROWS", 7)  # several batches, some with rejected rows
    lines = [f"t{i},c,{i}.{i % 10}5,2024-01-01" if i % 9 else f"t{i},c,x,2024-01-01" for i in range(60)]  # fmt: skip
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("transaction_id,customer_id,amount,timestamp\n" + "\n".join(lines) + "\n")
    tolerant = CoreConfig.from_env({"MAX_INVALID_ROW_RATIO": "0.5"})

    outcome = process_file(source, output, config=tolerant)

    written = [Decimal(r["amount"]) for r in csv.DictReader(io.StringIO(output.read_text()))]
    assert (outcome.rows_valid, outcome.rows_rejected) == (53, 7)
    assert outcome.amount_total == str(sum(written, Decimal("0.00")))
    assert validate_file(source, config=tolerant).amount_total is None  # nothing written
    strict = process_file(source, tmp_path / "strict.csv", config=CoreConfig())
    assert (strict.ok, strict.amount_total) == (False, None)
