"""Strict mode finds duplicate ids after its single pass: same outcome as the first-pass search."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from functions.core import CoreConfig, process_file, validate_file


def _write(path: Path, rows: int, *, seed: int, invalid_every: int, multiline: bool) -> None:
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


@pytest.mark.parametrize(
    ("rows", "invalid_every", "multiline"),
    [(3000, 0, False), (3000, 13, False), (3000, 400, True), (40, 0, True), (300, 2, False)],
)
def test_strict_duplicates_match_the_first_pass_search(
    tmp_path: Path, rows: int, invalid_every: int, multiline: bool
) -> None:
    source = tmp_path / "ids.csv"
    _write(
        source, rows, seed=rows + invalid_every, invalid_every=invalid_every, multiline=multiline
    )
    strict = process_file(source, tmp_path / "out.csv", config=CoreConfig(Decimal(0)))
    # a tolerance so small that the file still fails: the path that searches duplicates first
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
