"""Before any timing: every implementation must give the same result on the same file.

Outputs are parsed (amount as Decimal(18,2), timestamp as an instant, other columns as text,
rows in order) and compared to the first implementation's, with the counts and the rejected
line numbers; each output's text must also follow the output format of docs/interfaces.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from bench.implementations import IMPLEMENTATIONS
from bench.measure import BenchFile, Sample, run_child

AMOUNT_FORMAT = r"^-?[0-9]+\.[0-9]{2}$"
TS_FORMAT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?Z$"
COUNTS = ("rows_total", "rows_valid", "rows_rejected")


@dataclass(frozen=True)
class Checked:
    """One implementation's result on a file, ready to compare."""

    name: str
    result: dict[str, Any]  # the child's counts and rejected line numbers
    df: pl.DataFrame  # its output, parsed


def load_output(path: Path) -> pl.DataFrame:
    """Read an output CSV with every column a string and empty fields as ''."""
    return pl.read_csv(path, infer_schema=False).with_columns(pl.all().fill_null(""))


def format_problems(df: pl.DataFrame, name: str) -> list[str]:
    """Rows whose amount or timestamp text breaks the output format of docs/interfaces.md."""
    problems = []
    for col, pattern in (("amount", AMOUNT_FORMAT), ("timestamp", TS_FORMAT)):
        if col not in df.columns:
            return [f"{name}: no column {col!r} in the output (columns {df.columns})"]
        bad = df.filter(
            ~pl.col(col).str.contains(pattern)
            | (pl.col(col) == "-0.00")
            | pl.col(col).str.contains(r"\.000000Z$")
        )
        if bad.height:
            problems.append(
                f"{name}: {bad.height} {col} values break the output format, e.g. {bad[col].head(3).to_list()}"
            )
    return problems


def parsed(df: pl.DataFrame) -> pl.DataFrame:
    """Parse amount as Decimal(18,2) and timestamp as a UTC instant; other columns stay text."""
    return df.with_columns(
        pl.col("amount").cast(pl.Decimal(18, 2), strict=False),
        pl.col("timestamp").str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S%.fZ", strict=False),
    )


def compare(ref: pl.DataFrame, ref_name: str, other: pl.DataFrame, name: str) -> list[str]:
    """Differences between two parsed outputs (first few only)."""
    if ref.columns != other.columns:
        return [f"{name}: columns {other.columns} != {ref_name}: {ref.columns}"]
    if ref.height != other.height:
        diffs = [f"{name}: {other.height} output rows != {ref_name}: {ref.height}"]
        ids = set(ref["transaction_id"].to_list()) ^ set(other["transaction_id"].to_list())
        return [*diffs, f"  transaction ids in only one of them (first 5): {sorted(ids)[:5]}"]
    diffs = []
    for col in ref.columns:
        neq = ref[col].ne_missing(other[col])
        n = int(neq.sum())
        if n:
            idx = neq.arg_true().head(3).to_list()
            pairs = [(ref[col][i], other[col][i]) for i in idx]
            diffs.append(
                f"{name}: column {col!r} differs on {n} rows; first (row, {ref_name}, {name}): {[(i, *p) for i, p in zip(idx, pairs, strict=True)]}"
            )
    return diffs


def disagreements(ref: Checked, got: Checked) -> list[str]:
    """Counts, rejected line numbers and output values of ``got`` that differ from ``ref``'s."""
    problems = [
        f"{got.name}: {key}={got.result[key]} but {ref.name}: {ref.result[key]}"
        for key in COUNTS
        if got.result[key] != ref.result[key]
    ]
    if got.result["lines"] != ref.result["lines"]:
        a, b = set(got.result["lines"]), set(ref.result["lines"])
        problems.append(
            f"{got.name}: rejected lines differ; only in {got.name}: {sorted(a - b)[:5]}, only in {ref.name}: {sorted(b - a)[:5]}"
        )
    return problems + compare(ref.df, ref.name, got.df, got.name)


def verify(bf: BenchFile, impls: list[str]) -> tuple[dict[str, Sample], list[str]]:
    """Run each implementation once on ``bf`` and compare every checked one to the first."""
    samples: dict[str, Sample] = {}
    problems: list[str] = []
    ref: Checked | None = None
    for impl in impls:
        checked = IMPLEMENTATIONS[impl].checked
        sample, out = run_child(impl, bf, lines=checked)
        samples[impl] = sample
        print(f"  verify {sample.line(bf, impl)}", flush=True)
        if not checked:
            out.unlink(missing_ok=True)
            continue
        df = load_output(out)
        out.unlink(missing_ok=True)
        problems += format_problems(df, impl)
        got = Checked(impl, sample.result, parsed(df))
        if ref is None:
            ref = got
        else:
            problems += disagreements(ref, got)
    return samples, problems
