"""Repeated transaction ids, found in the main pass batch by batch: the same rows in either
mode and whatever the batch size, each the later row of an id held before."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from functions.core import CoreConfig, duplicates, process_file, scan, validate_file


def _write_repeats(path: Path, rows: int) -> list[int]:
    """A file whose ids repeat (some padded with spaces, some empty); return the repeat rows."""
    rnd = random.Random(5)
    seen: set[str] = set()
    repeats = []
    with path.open("w") as f:
        f.write("transaction_id,customer_id,amount,timestamp\n")
        for i in range(rows):
            ident = f"T{rnd.randrange(rows // 2)}"
            if i % 97 == 0:
                ident = ""
            padded = f"  {ident} " if i % 7 == 0 else ident
            if ident:
                if ident in seen:
                    repeats.append(i)
                seen.add(ident)
            f.write(f"{padded},C1,1.00,2024-01-01T00:00:00Z\n")
    return repeats


def _write_mixed(path: Path, rows: int, *, seed: int, invalid_every: int, multiline: bool) -> None:
    """Ids repeat (some padded, some empty); some rows are also invalid otherwise."""
    rnd = random.Random(seed)
    with path.open("w") as f:
        f.write("transaction_id,customer_id,amount,timestamp,note\n")
        for i in range(rows):
            ident = f"T{rnd.randrange(rows * 3)}"
            if i % 89 == 0:
                ident = ""
            padded = f" {ident}  " if i % 5 == 0 else ident
            amount = "1.005" if invalid_every and i % invalid_every == 3 else "2.50"
            note = '"two\nlines"' if multiline and i % 11 == 0 else f"n{i}"
            f.write(f"{padded},C{i % 7},{amount},2024-01-01T00:00:00Z,{note}\n")


def _rejected_lines(path: Path, reason: str) -> list[int]:
    rows = pl.read_csv(path, infer_schema=False)
    return [int(v) for v in rows.filter(pl.col("reason").str.contains(reason))["line"]]


@pytest.mark.parametrize("rows", [3000, 40])
@pytest.mark.parametrize("batch_rows", [scan.BATCH_ROWS, 7, 1])
def test_every_padded_repeat_is_found_whatever_the_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int, batch_rows: int
) -> None:
    monkeypatch.setattr(scan, "BATCH_ROWS", batch_rows)
    source = tmp_path / "ids.csv"
    expected = _write_repeats(source, rows)

    outcome = process_file(
        source, tmp_path / "out.csv", config=CoreConfig(Decimal(1)), rejected=tmp_path / "r.csv"
    )

    # data row i is on line i + 2
    assert _rejected_lines(tmp_path / "r.csv", "is a duplicate") == [i + 2 for i in expected]
    empty = len(range(0, rows, 97))
    assert outcome.rows_rejected == len(expected) + empty
    assert pl.read_csv(tmp_path / "out.csv").height == rows - len(expected) - empty


def test_each_file_hashes_its_ids_with_seeds_of_its_own() -> None:
    """Fixed seeds would let a file be crafted whose ids all collide in the set."""
    frame = pl.DataFrame({"tid": ["a", "b", ""]})
    with duplicates.Repeats(3) as one, duplicates.Repeats(3) as other:
        keys = [frame.select(r.key_columns("tid")) for r in (one, other)]
    assert keys[0].row(2) == keys[1].row(2) == (None, None)
    assert keys[0].row(0) != keys[1].row(0)
    assert keys[0][duplicates.HIGH].to_list()[:2] != keys[0][duplicates.LOW].to_list()[:2]


@pytest.mark.parametrize(
    ("rows", "invalid_every", "multiline"),
    [(3000, 0, False), (3000, 13, False), (3000, 400, True), (40, 0, True), (300, 2, False)],
)
def test_strict_and_tolerant_runs_find_the_same_duplicates(
    tmp_path: Path, rows: int, invalid_every: int, multiline: bool
) -> None:
    source = tmp_path / "ids.csv"
    _write_mixed(
        source, rows, seed=rows + invalid_every, invalid_every=invalid_every, multiline=multiline
    )
    strict = process_file(source, tmp_path / "out.csv", config=CoreConfig(Decimal(0)))
    # a tolerance so small that the file still fails, to compare the whole outcomes
    tiny = CoreConfig(Decimal("0.000001"))
    tolerant = process_file(source, tmp_path / "out2.csv", config=tiny)
    assert not strict.ok and not tolerant.ok
    assert strict == tolerant
    assert strict == validate_file(source, config=CoreConfig(Decimal(0)))
    assert any("is a duplicate" in e.reason for e in strict.row_errors)
    assert not (tmp_path / "out.csv").exists()


def test_strict_duplicate_that_is_also_invalid_gets_both_reasons(tmp_path: Path) -> None:
    source = tmp_path / "ids.csv"
    source.write_text(
        "transaction_id,customer_id,amount,timestamp\n"
        "A,C,1.00,2024-01-01\n"
        '" A ",C,1.005,2024-01-01\n'
        "B,C,1.00,2024-01-01\n"
        "A,C,1.00,2024-01-01\n"
    )
    outcome = process_file(source, tmp_path / "out.csv", config=CoreConfig(Decimal(0)))
    assert (outcome.rows_total, outcome.rows_valid, outcome.rows_rejected) == (4, 2, 2)
    assert [(e.line, e.reason) for e in outcome.row_errors] == [
        (
            3,
            "transaction_id 'A' is a duplicate of an earlier row; "
            "amount '1.005' has more than 2 significant fraction digits",
        ),
        (5, "transaction_id 'A' is a duplicate of an earlier row"),
    ]
