"""Repeated transaction ids: found by the pre-pass (tolerant mode) or after the single pass
(strict mode), the same rows either way; a suspect by its high half is judged by the whole key."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from functions.core import CoreConfig, duplicates, process_file, validate_file
from functions.core.scan import IDX
from functions.core.structure import read_header


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


def _keys(high: list[int], low: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {IDX: range(len(high)), duplicates.HIGH: high, duplicates.LOW: low},
        schema={IDX: pl.UInt32, duplicates.HIGH: pl.UInt64, duplicates.LOW: pl.UInt64},
    )


def test_repeats_are_the_later_rows_of_an_equal_key() -> None:
    keys = _keys([7, 8, 7, 9, 7], [1, 2, 1, 3, 1])

    assert duplicates.repeats(keys).to_list() == [2, 4]
    assert duplicates.repeats(keys.filter(pl.col(IDX) != 0)).to_list() == [4]


def test_equal_high_halves_with_different_low_halves_are_no_repeat() -> None:
    """The sort finds suspects by the high half; the whole key decides."""
    keys = _keys([7, 5, 7, 7, 5], [1, 2, 3, 1, 4])

    assert duplicates.repeats(keys).to_list() == [3]
    assert duplicates.repeats(_keys([1, 2, 3], [4, 4, 4])).is_empty()


@pytest.mark.parametrize("rows", [3000, 40])
def test_the_pre_pass_finds_every_padded_repeat(tmp_path: Path, rows: int) -> None:
    source = tmp_path / "ids.csv"
    expected = _write_repeats(source, rows)

    found = duplicates.prepass(source, read_header(source))
    outcome = process_file(
        source, tmp_path / "out.csv", config=CoreConfig(Decimal(1)), rejected=tmp_path / "r.csv"
    )

    assert found.to_list() == expected
    empty = len(range(0, rows, 97))
    assert outcome.rows_rejected == len(expected) + empty


@pytest.mark.parametrize(
    ("rows", "invalid_every", "multiline"),
    [(3000, 0, False), (3000, 13, False), (3000, 400, True), (40, 0, True), (300, 2, False)],
)
def test_strict_duplicates_match_the_pre_pass_search(
    tmp_path: Path, rows: int, invalid_every: int, multiline: bool
) -> None:
    source = tmp_path / "ids.csv"
    _write_mixed(
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
