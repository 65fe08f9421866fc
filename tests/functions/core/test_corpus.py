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


def test_error_report_and_summary_of_row_errors() -> None:
    outcome = validate_file(CORPUS / "row_errors_strict.csv", config=CoreConfig())

    report = outcome.error_report()
    summary = outcome.error_summary()

    assert json.loads(json.dumps(report)) == report
    assert report["rows_rejected"] == 32
    assert report["row_errors"][0] == {
        "line": 2,
        "reason": "timestamp '2024-02-30T00:00:00Z' is not a valid date/time",
    }
    assert "line 2" in summary
    assert len(summary.encode()) < 1024


def test_error_report_of_structural_error() -> None:
    outcome = validate_file(CORPUS / "ragged_short.csv", config=CoreConfig())

    report = outcome.error_report()

    assert report["valid"] is False
    assert report["structural_error"] == "line 3: 3 fields, expected 4 like the header"
    assert "line 3" in outcome.error_summary()


def test_first_hundred_row_errors_in_line_order(tmp_path: Path) -> None:
    rows = [f"t{i},c,bad,2024-01-01" for i in range(150)]
    source = tmp_path / "many.csv"
    source.write_text("transaction_id,customer_id,amount,timestamp\n" + "\n".join(rows) + "\n")

    outcome = validate_file(source, config=CoreConfig())

    assert outcome.rows_rejected == 150
    assert [e.line for e in outcome.row_errors] == list(range(2, 102))
    assert outcome.error_report()["row_errors_truncated"] is True


def test_all_rows_rejected_is_not_ok_even_with_full_tolerance(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("transaction_id,customer_id,amount,timestamp\nt,c,x,2024-01-01\n")

    outcome = process_file(
        source, tmp_path / "out.csv", config=CoreConfig(max_invalid_row_ratio=Decimal(1))
    )

    assert not outcome.ok
    assert "no valid rows" in outcome.error_summary()
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, CoreConfig()),
        (
            {"MAX_INVALID_ROW_RATIO": " 0.25 ", "SOURCE_TIMEZONE": "Europe/Berlin"},
            CoreConfig(Decimal("0.25"), "Europe/Berlin"),
        ),
        ({"MAX_INVALID_ROW_RATIO": "", "SOURCE_TIMEZONE": ""}, CoreConfig()),
        ({"MAX_INVALID_ROW_RATIO": "1"}, CoreConfig(Decimal(1))),
    ],
)
def test_config_from_env(env: dict[str, str], expected: CoreConfig) -> None:
    assert CoreConfig.from_env(env) == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MAX_INVALID_ROW_RATIO": "abc"}, "MAX_INVALID_ROW_RATIO"),
        ({"MAX_INVALID_ROW_RATIO": "1.5"}, "between 0 and 1"),
        ({"MAX_INVALID_ROW_RATIO": "-0.1"}, "between 0 and 1"),
        ({"MAX_INVALID_ROW_RATIO": "NaN"}, "between 0 and 1"),
        ({"SOURCE_TIMEZONE": "Mars/Olympus"}, "SOURCE_TIMEZONE"),
    ],
)
def test_config_from_env_rejects_bad_values(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CoreConfig.from_env(env)
