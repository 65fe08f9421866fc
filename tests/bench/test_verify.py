"""The agreement check run before any timing: it must catch every kind of difference."""

from __future__ import annotations

import polars as pl

from bench.verify import Checked, compare, disagreements, format_problems, parsed

COLUMNS = ["transaction_id", "customer_id", "amount", "timestamp"]
GOOD = [
    ("t1", "c1", "1.50", "2024-01-01T00:00:00Z"),
    ("t2", "c2", "-3.00", "2024-01-02T10:00:00.5Z"),
]


def _df(rows: list[tuple[str, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


def _checked(name: str, rows: list[tuple[str, ...]], lines: list[int]) -> Checked:
    result = {
        "rows_total": 3,
        "rows_valid": len(rows),
        "rows_rejected": 3 - len(rows),
        "lines": lines,
    }
    return Checked(name, result, parsed(_df(rows)))


def test_well_formed_output_has_no_format_problem() -> None:
    assert format_problems(_df([("t1", "c", "1.50", "2024-01-01T00:00:00.123456Z")]), "x") == []


def test_format_problems_flag_negative_zero_empty_fraction_and_bad_shapes() -> None:
    df = _df(
        [
            ("t1", "c", "-0.00", "2024-01-01T00:00:00Z"),
            ("t2", "c", "1.5", "2024-01-01T00:00:00.000000Z"),
            ("t3", "c", "2.00", "2024-01-01 00:00:00Z"),
        ]
    )
    problems = format_problems(df, "x")
    assert problems[0].startswith("x: 2 amount values break the output format")
    assert problems[1].startswith("x: 2 timestamp values break the output format")
    assert len(problems) == 2


def test_a_missing_column_is_reported_by_name() -> None:
    assert format_problems(_df(GOOD).drop("timestamp"), "x") == [
        "x: no column 'timestamp' in the output (columns ['transaction_id', 'customer_id', 'amount'])"
    ]


def test_same_values_in_other_spellings_agree() -> None:
    # GIVEN the same instants and amounts written differently (both parse to the same values)
    other = [("t1", "c1", "1.5", "2024-01-01T00:00:00.000Z"), GOOD[1]]
    # THEN the parsed outputs agree
    assert compare(parsed(_df(GOOD)), "ref", parsed(_df(other)), "x") == []


def test_a_different_value_is_reported_with_its_row() -> None:
    other = [GOOD[0], ("t2", "c2", "-3.01", "2024-01-02T10:00:00.5Z")]
    diffs = compare(parsed(_df(GOOD)), "ref", parsed(_df(other)), "x")
    assert len(diffs) == 1
    assert diffs[0].startswith("x: column 'amount' differs on 1 rows; first (row, ref, x): [(1, ")


def test_a_missing_row_is_reported_with_its_id() -> None:
    diffs = compare(parsed(_df(GOOD)), "ref", parsed(_df(GOOD[:1])), "x")
    assert diffs == [
        "x: 1 output rows != ref: 2",
        "  transaction ids in only one of them (first 5): ['t2']",
    ]


def test_equal_results_have_no_disagreement() -> None:
    assert disagreements(_checked("ref", GOOD, [3]), _checked("x", GOOD, [3])) == []


def test_different_counts_and_rejected_lines_are_reported() -> None:
    problems = disagreements(_checked("ref", GOOD, [3]), _checked("x", GOOD[:1], [2, 3]))
    assert problems[:3] == [
        "x: rows_valid=1 but ref: 2",
        "x: rows_rejected=2 but ref: 1",
        "x: rejected lines differ; only in x: [2], only in ref: []",
    ]
    assert problems[3] == "x: 1 output rows != ref: 2"
