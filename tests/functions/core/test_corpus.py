"""Table-driven test of the core over tests/functions/core/corpus.

Each `<case>.csv` has a `<case>.json` expectation (outcome counts, exact structural error or
exact row errors with line numbers, optional config), and, when the file is accepted, the
exact expected output `<case>.out.csv` and rejected rows `<case>.rejected.csv`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from functions.core import CoreConfig, Outcome, process_file, validate_file

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(
    p.stem for p in CORPUS.glob("*.csv") if not p.name.endswith((".out.csv", ".rejected.csv"))
)


def _config(expected: dict[str, Any]) -> CoreConfig:
    cfg = expected.get("config", {})
    return CoreConfig(
        max_invalid_row_ratio=Decimal(cfg.get("max_invalid_row_ratio", "0")),
        source_timezone=cfg.get("source_timezone", "UTC"),
    )


def _check_outcome(outcome: Outcome, expected: dict[str, Any]) -> None:
    assert outcome.ok is expected["ok"]
    assert outcome.rows_total == expected["rows_total"]
    assert outcome.rows_valid == expected["rows_valid"]
    assert outcome.rows_rejected == expected["rows_rejected"]
    assert outcome.structural_error == expected.get("structural_error")
    assert [[e.line, e.reason] for e in outcome.row_errors] == expected.get("row_errors", [])


def test_corpus_covers_every_rule() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES)
def test_process_file(case: str, tmp_path: Path) -> None:
    expected = json.loads((CORPUS / f"{case}.json").read_text())
    output, rejected = tmp_path / "out.csv", tmp_path / "rejected.csv"

    outcome = process_file(
        CORPUS / f"{case}.csv", output, config=_config(expected), rejected=rejected
    )

    _check_outcome(outcome, expected)
    expected_out = CORPUS / f"{case}.out.csv"
    if outcome.ok:
        assert output.read_bytes() == expected_out.read_bytes()
    else:
        assert not output.exists()
        assert not expected_out.exists()
    expected_rejected = CORPUS / f"{case}.rejected.csv"
    if expected_rejected.exists():
        assert rejected.read_bytes() == expected_rejected.read_bytes()
    else:
        assert not rejected.exists()
    # nothing but the requested outputs is left next to them
    assert {p.name for p in tmp_path.iterdir()} <= {"out.csv", "rejected.csv"}


@pytest.mark.parametrize("case", CASES)
def test_validate_file_agrees_with_process_file(case: str, tmp_path: Path) -> None:
    expected = json.loads((CORPUS / f"{case}.json").read_text())
    rejected = tmp_path / "rejected.csv"

    outcome = validate_file(CORPUS / f"{case}.csv", config=_config(expected), rejected=rejected)

    _check_outcome(outcome, expected)
    assert rejected.exists() == (CORPUS / f"{case}.rejected.csv").exists()
