"""The interleaving of the timed rounds."""

from __future__ import annotations

from bench.schedule import rotated

IMPLS = ["ours", "duckdb", "pandas"]


def test_each_round_starts_one_further_and_runs_everything_once() -> None:
    assert [rotated(IMPLS, r) for r in range(1, 4)] == [
        ["duckdb", "pandas", "ours"],
        ["pandas", "ours", "duckdb"],
        ["ours", "duckdb", "pandas"],
    ]
