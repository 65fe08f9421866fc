"""How rules are written: stages applied side by side, trimmed values, values shown in reasons."""

from __future__ import annotations

import polars as pl

from functions.core.rules.stages import apply_stages, shown, trimmed


def test_stage_k_of_every_rule_runs_in_one_step_after_stage_k_minus_1() -> None:
    first = [[pl.lit(1).alias("a")], [(pl.col("a") + 1).alias("b")]]
    second = [[pl.lit(10).alias("x")], [(pl.col("x") + 1).alias("y")], [pl.col("b").alias("z")]]

    out = apply_stages(pl.LazyFrame({"row": [0]}), first, second).collect()

    assert out.row(0, named=True) == {"row": 0, "a": 1, "x": 10, "b": 2, "y": 11, "z": 2}


def test_trimmed_and_shown() -> None:
    frame = pl.DataFrame({"v": ["  a\u00a0", None, "x" * 41]})

    out = frame.select(trimmed(pl.col("v")).alias("t"), shown(pl.col("v")).alias("s"))

    assert out["t"].to_list() == ["a", "", "x" * 41]
    assert out["s"].to_list() == ["'  a\u00a0'", None, "'" + "x" * 40 + "...'"]
