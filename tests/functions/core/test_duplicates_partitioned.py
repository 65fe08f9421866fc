"""Duplicate detection gives the same rows whether its hash table is built whole or by partition."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from functions.core import CoreConfig, process_file
from functions.core import pipeline as core_pipeline
from functions.core.structure import read_header


def _write(path: Path, rows: int) -> list[int]:
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


@pytest.mark.parametrize("partition_rows", [10**9, 900, 100, 7])
def test_partitioned_duplicate_search_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, partition_rows: int
) -> None:
    source = tmp_path / "ids.csv"
    expected = _write(source, 3000)
    monkeypatch.setattr(core_pipeline, "_DEDUP_PARTITION_ROWS", partition_rows)
    found = core_pipeline._duplicate_rows(source, read_header(source))
    assert found.to_list() == expected
    outcome = process_file(
        source, tmp_path / "out.csv", config=CoreConfig(Decimal(1)), rejected=tmp_path / "r.csv"
    )
    empty = len(range(0, 3000, 97))
    assert outcome.rows_rejected == len(expected) + empty
