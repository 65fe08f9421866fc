"""The core's C amount routine (functions/core/native/amounts.c): its Arrow plumbing and its rule.

The rule is held to data-contract.md §3.2 and §4 by the reference (reference_values.py), on
single values through the rule's stages (trim, then the C routine) here, and on whole files
in test_differential.py and `make fuzz`.
"""

from __future__ import annotations

import resource

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.core import native
from functions.core.rules import amount
from functions.core.rules.stages import apply_stages
from tests.functions.core import adversarial_values, reference_values


def _rule(values: list[str | None]) -> list[str | None]:
    rows = pl.LazyFrame({"raw": values}, schema={"raw": pl.String})
    return apply_stages(rows, amount.stages("raw", "out")).collect()["out"].to_list()


def _reference(raw: str | None) -> str | None:
    try:
        return reference_values.amount(raw or "")
    except reference_values.Invalid:
        return None


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("0", "0.00"),
        ("-0", "0.00"),  # no negative zero
        ("-0.00", "0.00"),
        ("-0.01", "-0.01"),
        ("+5", "5.00"),
        ("007.05", "7.05"),
        ("0000000000000000001.00", "1.00"),  # leading zeros are not digits of the value
        ("1,234.5", "1234.50"),
        ("-9,999,999,999,999,999.99", "-9999999999999999.99"),  # 20 bytes: the longest
        ("1.10000000000000000000", "1.10"),
        ("000,123", "123.00"),
        ("12345678901234567", None),  # 17 integer digits
        ("1.505", None),
        ("1.", None),
        (".5", None),
        ("12,34", None),
        ("1,2345", None),
        ("1234,567", None),
        ("123,", None),
        ("", None),
        ("+", None),
        ("-", None),
        ("+-5", None),
        ("1e3", None),
        ("\uff11", None),  # a full-width digit is not a digit here
    ],
)
def test_values_are_accepted_and_written_as_sections_3_2_and_4_say(
    value: str, written: str | None
) -> None:
    assert native.normalize_amounts(pl.Series([value])).to_list() == [written]
    assert _reference(value) == written


@pytest.mark.parametrize(("name", "raw"), adversarial_values.AMOUNTS)
def test_the_adversarial_amounts_are_judged_as_the_reference_judges_them(
    name: str, raw: str
) -> None:
    assert _rule([raw]) == [_reference(raw)], name


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.text(alphabet="0123456789,.+- \u0661", max_size=24), max_size=20))
def test_the_rule_agrees_with_the_reference(values: list[str]) -> None:
    assert _rule(values) == [_reference(v) for v in values]


def test_every_value_stays_in_its_row_across_nulls_slices_chunks_and_lengths() -> None:
    # values and outputs both sides of the 12 bytes a string view holds inline
    head = pl.Series(["x", "1", None, "1234567890.5", "-1,234,567,890,123.45"])[1:]
    values = pl.concat([head, pl.Series(["bad", "123456789.5", "9" * 16])], rechunk=False)
    assert values.n_chunks() == 2

    assert native.normalize_amounts(values).to_list() == [
        "1.00",
        None,
        "1234567890.50",
        "-1234567890123.45",
        None,
        "123456789.50",  # 12 bytes: the longest held inline
        "9" * 16 + ".00",
    ]
    assert native.normalize_amounts(pl.Series([], dtype=pl.String)).to_list() == []


def test_the_c_function_refuses_what_is_not_text_or_too_long_for_its_offsets() -> None:
    with pytest.raises(TypeError, match="expected Arrow format b'vu'"):
        native._text(pl.Series([1]), pl.Int64(), b"vu", 10, "etl_normalize_amounts")
    out, array = native._Array(), native._Array()
    array.length, array.n_buffers = native.AMOUNT_MAX_ROWS + 1, 3
    assert native._lib.etl_normalize_amounts(array, out) == -3
    array.length, array.n_buffers = 1, 2
    assert native._lib.etl_normalize_amounts(array, out) == -2
    assert not out.release  # nothing allocated, nothing to free


def test_normalizing_many_times_releases_what_it_allocates() -> None:
    values = pl.Series(["-1,234,567,890,123.45"] * 200_000)
    native.normalize_amounts(values)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(20):
        native.normalize_amounts(values)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    # 20 leaked rounds would be 20 x (3.2 MB of views + 3.4 MB of text) = 132 MB
    assert grown_kib < 16 * 1024
