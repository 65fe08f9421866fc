"""The benchmark's baselines follow the same data contract as the core (docs/data-contract.md).

Guards the baselines against drifting: every implementation must give the exact expected output
on hand-written edge cases (the pitfalls of float paths, lenient parsers and DuckDB's
``try_strptime``), and all of them must agree with each other on a small generated file.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

# duckdb and pandas come from requirements/bench.lock, which `make test` installs: a missing
# one is an error here, not a skip.
from bench.baselines import WHITE_SPACE
from bench.generate import generate
from bench.verify import compare, format_problems, load_output, parsed
from bench.worker import rejected_lines, runner

BASELINES = ["stdlib", "pandas", "duckdb"]
IMPLS = [*BASELINES, "ours"]

# (transaction_id, customer_id, amount, timestamp, expected amount, expected timestamp);
# None as expectation = the row is rejected.
CASES: list[tuple[str, str, str, str, str | None, str | None]] = [
    ("a1", "c", "1.005", "2024-01-01T00:00:00Z", None, None),
    ("a2", "c", "1e3", "2024-01-01T00:00:00Z", None, None),
    ("a3", "c", "NaN", "2024-01-01T00:00:00Z", None, None),
    ("a4", "c", "1.500", "2024-01-01T00:00:00Z", "1.50", "2024-01-01T00:00:00Z"),
    ("a5", "c", " -1,234.5 ", "2024-01-01T00:00:00Z", "-1234.50", "2024-01-01T00:00:00Z"),
    ("a6", "c", "-0.00", "2024-01-01T00:00:00Z", "0.00", "2024-01-01T00:00:00Z"),
    ("a7", "c", "+7", "2024-01-01T00:00:00Z", "7.00", "2024-01-01T00:00:00Z"),
    ("a8", "c", "12,34.00", "2024-01-01T00:00:00Z", None, None),
    ("a9", "c", "1234567890123456.99", "2024-01-01", "1234567890123456.99", "2024-01-01T00:00:00Z"),
    ("a10", "c", "12345678901234567", "2024-01-01T00:00:00Z", None, None),
    ("a11", "c", "1 000.00", "2024-01-01T00:00:00Z", None, None),
    ("t1", "c", "1", "2024-06-30T23:59:60Z", None, None),
    ("t2", "c", "1", "2024-02-30T10:00:00+02:00", None, None),
    ("t3", "c", "1", "2024-1-5", None, None),
    ("t4", "c", "1", "2024-02-29T23:30:00-01:00", "1.00", "2024-03-01T00:30:00Z"),
    ("t5", "c", "1", "2024-03-01T00:30:00+0130", "1.00", "2024-02-29T23:00:00Z"),
    ("t6", "c", "1", "2024-05-06 07:08:09.123456789", "1.00", "2024-05-06T07:08:09.123456Z"),
    ("t7", "c", "1", "2024-05-06T07:08:09.000Z", "1.00", "2024-05-06T07:08:09Z"),
    ("t8", "c", "1", "2024-05-06T07:08:09.5Z", "1.00", "2024-05-06T07:08:09.500000Z"),
    ("t9", "c", "1", "999999999", "1.00", "2001-09-09T01:46:39Z"),
    ("t10", "c", "1", "1700000000123", "1.00", "2023-11-14T22:13:20.123000Z"),
    ("t11", "c", "1", "20240115", None, None),
    ("t12", "c", "1", "2024-06-01T24:00:00Z", None, None),
    ("t13", "c", "1", "2024-06-01T10:00:00.1234567890Z", None, None),
    ("t14", "c", "1", "2023-02-29", None, None),
    ("t15", "c", "1", "2000-02-29T12:00:00Z", "1.00", "2000-02-29T12:00:00Z"),
    ("t16", "c", "1", "1900-02-29T12:00:00Z", None, None),
    ("t17", "c", "1", "2024-06-01 10:00:00Z", "1.00", "2024-06-01T10:00:00Z"),
    # Years 0001-9999 UTC; a 9-digit fraction next to them (pandas parses in ns, 1677-2262).
    ("y1", "c", "1", "0001-01-01T00:00:00.123456789Z", "1.00", "0001-01-01T00:00:00.123456Z"),
    ("y2", "c", "1", "9999-12-31T23:59:59.999999999Z", "1.00", "9999-12-31T23:59:59.999999Z"),
    ("y3", "c", "1", "0001-01-01T00:30:00+01:00", None, None),
    ("y4", "c", "1", "9999-12-31T23:30:00-01:00", None, None),
    ("", "c", "1", "2024-01-01T00:00:00Z", None, None),
    ("i2", "  ", "1", "2024-01-01T00:00:00Z", None, None),
    ("a4", "c", "1", "2024-01-01T00:00:00Z", None, None),  # duplicate of an earlier valid id
    # Trimming is Unicode White_Space (data-contract.md §3.0), not str.strip()'s or trim()'s set.
    (
        "\u00a0w1\u3000",
        "\u2003c\t",
        "\u2009 12.50\u00a0",
        "\u20282024-01-01\x0b",
        "12.50",
        "2024-01-01T00:00:00Z",
    ),
    ("w2\x1f", "c\u0085", "\x0b1\x0c", "\x0c999999999\u2029", "1.00", "2001-09-09T01:46:39Z"),
    ("w3", "c", "5\u200b", "2024-01-01T00:00:00Z", None, None),
    ("w4", "c", "1", "\x1c2024-01-01T00:00:00Z", None, None),
    ("\u0085\u2028", "c", "1", "2024-01-01T00:00:00Z", None, None),
    ("w5", "\u202f\u205f", "1", "2024-01-01T00:00:00Z", None, None),
    (" w1 ", "c", "1", "2024-01-01T00:00:00Z", None, None),  # duplicate once trimmed
]
NOTE = 'a, "quoted" note'


@pytest.fixture(scope="module")
def edge_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edge cases as a CSV with a messy (trimmed, mixed-case) header and an extra column."""
    path = tmp_path_factory.mktemp("edge") / "edge.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["Transaction_ID ", " customer_id", "AMOUNT", "timestamp", "note"])
        for tid, cid, amount, ts, _, _ in CASES:
            w.writerow([tid, cid, amount, ts, NOTE])
    return path


@pytest.mark.parametrize("impl", IMPLS)
def test_edge_cases_match_the_contract(impl: str, edge_file: Path, tmp_path: Path) -> None:
    """Exact output values and rejected line numbers on the pitfalls."""
    out, rej = tmp_path / "out.csv", tmp_path / "rej.csv"
    outcome = runner(impl)(str(edge_file), str(out), str(rej))
    expected = [
        (c[0].strip(WHITE_SPACE), c[1].strip(WHITE_SPACE), c[4], c[5])
        for c in CASES
        if c[4] is not None
    ]
    got = load_output(out)
    assert got.columns == ["transaction_id", "customer_id", "amount", "timestamp", "note"]
    assert got.select("transaction_id", "customer_id", "amount", "timestamp").rows() == expected
    assert set(got["note"]) == {NOTE}
    want_lines = [i + 2 for i, c in enumerate(CASES) if c[4] is None]
    assert rejected_lines(outcome, str(rej)) == want_lines
    assert (outcome.rows_total, outcome.rows_rejected) == (len(CASES), len(want_lines))


def test_edge_outputs_are_the_same_bytes(edge_file: Path, tmp_path: Path) -> None:
    """Same quoting, line ends and field text everywhere (data-contract.md §4), not just values."""
    outputs = {}
    for impl in IMPLS:
        out = tmp_path / f"{impl}.csv"
        runner(impl)(str(edge_file), str(out), str(tmp_path / f"{impl}.rej.csv"))
        outputs[impl] = out.read_bytes()
    assert b'"a, ""quoted"" note"\n' in outputs["ours"]
    assert {impl: out == outputs["ours"] for impl, out in outputs.items()} == dict.fromkeys(
        IMPLS, True
    )


def test_all_implementations_agree_on_a_generated_file(tmp_path: Path) -> None:
    """Same parsed values and rejected lines from every implementation on a mixed file."""
    src = generate(3000, "dirty", seed=7, data_dir=tmp_path, invalid_share=0.05)
    results = {}
    for impl in IMPLS:
        out, rej = tmp_path / f"{impl}.csv", tmp_path / f"{impl}.rej.csv"
        outcome = runner(impl)(str(src), str(out), str(rej))
        df = load_output(out)
        assert format_problems(df, impl) == []
        results[impl] = (parsed(df), rejected_lines(outcome, str(rej)))
    ref_df, ref_lines = results["stdlib"]
    assert len(ref_lines) >= 100
    for impl, (df, lines) in results.items():
        assert lines == ref_lines, impl
        assert compare(ref_df, "stdlib", df, impl) == []
