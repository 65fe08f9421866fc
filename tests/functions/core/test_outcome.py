"""Outcome: the error report (error.json) and the short summary of what the core found."""

from __future__ import annotations

import json
from pathlib import Path

from functions.core import CoreConfig, Outcome, RowError, validate_file

CORPUS = Path(__file__).parent / "corpus"


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


def test_summary_says_why_the_file_failed_and_stays_below_1_kb() -> None:
    errors = (RowError(line=2, reason="é" * 2000),)
    no_valid = Outcome(ok=False, rows_total=1, rows_valid=0, rows_rejected=1, row_errors=errors)
    too_many = Outcome(ok=False, rows_total=4, rows_valid=3, rows_rejected=1, row_errors=errors)
    accepted = Outcome(ok=True, rows_total=4, rows_valid=3, rows_rejected=1, row_errors=errors)

    assert no_valid.error_summary().startswith("1 of 1 rows invalid (no valid rows); first: line 2")
    assert "(above the allowed invalid row ratio)" in too_many.error_summary()
    assert accepted.error_summary() == "Accepted: 3 of 4 rows valid, 1 rejected"
    assert len(no_valid.error_summary().encode()) <= 900
    assert no_valid.error_summary().endswith("...")


def test_report_says_when_row_errors_are_truncated() -> None:
    errors = (RowError(line=2, reason="r"),)
    some = Outcome(ok=False, rows_total=5, rows_valid=0, rows_rejected=5, row_errors=errors)
    every = Outcome(ok=False, rows_total=5, rows_valid=4, rows_rejected=1, row_errors=errors)

    assert some.error_report()["row_errors_truncated"] is True
    assert every.error_report()["row_errors_truncated"] is False
