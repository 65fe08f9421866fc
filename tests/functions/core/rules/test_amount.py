"""The amount rule on raw values: normalized to two fraction digits, or null and explained."""

from __future__ import annotations

import polars as pl
import pytest

from functions.core.rules import amount
from functions.core.rules.stages import apply_stages


def _amounts(values: list[str | None]) -> list[tuple[str | None, str]]:
    rows = pl.LazyFrame({"raw": values}, schema={"raw": pl.String})
    out = apply_stages(rows, amount.stages("raw", "out"))
    out = out.with_columns(amount.reason(pl.col("raw")).alias("why"))
    return list(out.select("out", "why").collect().iter_rows())


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("1234.5", "1234.50"),
        ("1,234.50", "1234.50"),
        ("+5", "5.00"),
        ("-0.00", "0.00"),
        ("1.500", "1.50"),
        (" 7 ", "7.00"),
        ("1234567890123456.99", "1234567890123456.99"),
    ],
)
def test_accepted_amounts_are_normalized(raw: str, normalized: str) -> None:
    [(value, _)] = _amounts([raw])
    assert value == normalized


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1.505", "amount '1.505' has more than 2 significant fraction digits"),
        ("12,34", "amount '12,34' has invalid thousands grouping"),
        ("1e3", "amount '1e3' is not a plain decimal number"),
        ("NaN", "amount 'NaN' is not a plain decimal number"),
        (".5", "amount '.5' is not a plain decimal number"),
        (
            "12345678901234567",
            "amount '12345678901234567' does not fit DECIMAL(18,2) (more than 16 integer digits)",
        ),
        ("", "amount is empty"),
        (None, "amount is empty"),
        (
            "9" * 50,
            f"amount '{'9' * 40}...' does not fit DECIMAL(18,2) (more than 16 integer digits)",
        ),
    ],
)
def test_rejected_amounts_are_null_with_a_reason(raw: str | None, reason: str) -> None:
    assert _amounts([raw]) == [(None, reason)]
