"""The id rules: both ids present after trimming, and no repeat of an earlier transaction_id."""

from __future__ import annotations

import polars as pl

from functions.core.rules import ids
from functions.core.rules.stages import apply_stages


def test_ids_are_trimmed_and_valid_only_when_present_and_not_repeated() -> None:
    rows = pl.LazyFrame(
        {
            "tid": [" t1 ", "t2", None, "t1", "t3"],
            "cid": ["c", "\tc\t", "c", "c", "  "],
            "repeat": [False, False, False, True, False],
        }
    )

    out = apply_stages(rows, ids.stages("tid", "cid", pl.col("repeat")))
    out = out.with_columns(ids.valid().alias("valid")).collect()

    assert out[ids.TID].to_list() == ["t1", "t2", "", "t1", "t3"]
    assert out[ids.CID].to_list() == ["c", "c", "c", "c", ""]
    assert out["valid"].to_list() == [True, True, False, False, False]


def test_reasons_name_each_broken_id_rule() -> None:
    rows = pl.LazyFrame(
        {
            "tid": ["", " " + "x" * 50, "t3", "t4"],
            "cid": ["", "c", " ", "c"],
            ids.DUPLICATE: [False, True, False, False],
        }
    )

    reasons = rows.select(
        pl.concat_str(ids.reasons(pl.col("tid"), pl.col("cid")), separator="; ", ignore_nulls=True)
    ).collect()

    assert reasons.to_series().to_list() == [
        "transaction_id is empty; customer_id is empty",
        f"transaction_id '{'x' * 40}' is a duplicate of an earlier row",
        "customer_id is empty",
        "",
    ]
