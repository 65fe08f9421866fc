"""The row rules composed: every required field normalized, one validity flag, joined reasons."""

from __future__ import annotations

import polars as pl

from functions.core import rules

REQUIRED = {"transaction_id": "c0", "customer_id": "c1", "amount": "c2", "timestamp": "c3"}
ROWS = pl.LazyFrame(
    {
        "c0": ["t1", "", "t1"],
        "c1": ["c", "", "c"],
        "c2": ["1,234.5", "1.005", "2"],
        "c3": ["2024-01-02T03:04:05+01:00", "2024-02-30", "2024-01-02"],
        "repeat": [False, False, True],
    }
)


def test_normalized_gives_each_field_its_value_and_the_row_its_validity() -> None:
    out = rules.normalized(
        ROWS, REQUIRED, "UTC", duplicate=pl.col("repeat"), as_text=True
    ).collect()

    assert out.select(rules.TID, rules.CID, rules.AMOUNT, rules.TIMESTAMP).rows() == [
        ("t1", "c", "1234.50", "2024-01-02T02:04:05Z"),
        ("", "", None, None),
        ("t1", "c", "2.00", "2024-01-02T00:00:00Z"),
    ]
    assert out[rules.DUPLICATE].to_list() == [False, False, True]
    assert out[rules.VALID].to_list() == [True, False, False]


def test_normalized_columns_map_each_raw_required_column() -> None:
    assert rules.normalized_columns(REQUIRED) == {
        "c0": rules.TID,
        "c1": rules.CID,
        "c2": rules.AMOUNT,
        "c3": rules.TIMESTAMP,
    }


def test_reasons_list_every_broken_rule_in_field_order() -> None:
    rejected = ROWS.with_columns(pl.col("repeat").alias(rules.DUPLICATE))

    out = rules.with_reasons(rejected, REQUIRED, "UTC").collect()

    assert out[rules.REASON].to_list() == [
        "",
        "transaction_id is empty; customer_id is empty; amount '1.005' has more than 2 "
        "significant fraction digits; timestamp '2024-02-30' is not a valid date/time",
        "transaction_id 't1' is a duplicate of an earlier row",
    ]
