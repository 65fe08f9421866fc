"""The header: names trimmed by exactly the White_Space set values are trimmed by, matched in
ASCII lower case only, each required column exactly once."""

from __future__ import annotations

import sys

import polars as pl
import pytest

from functions.core.header import WHITE_SPACE, StructuralError, column_key, header_from
from functions.core.syntax import Field, Record


def test_white_space_is_what_polars_strips_from_values() -> None:
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]

    stripped = pl.Series(chars).str.strip_chars() == ""

    assert {c for c, gone in zip(chars, stripped, strict=True) if gone} == set(WHITE_SPACE)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("\u3000Transaction_ID\xa0", "transaction_id"),
        ("AMOUNT\t", "amount"),
        ("\u200bamount", "\u200bamount"),  # U+200B is not White_Space
        ("amount\x1f", "amount\x1f"),  # nor are the C0 separators str.strip() removes
        ("TİMESTAMP", "tİmestamp"),  # only ASCII letters are folded (İ is U+0130)
        ("customer_\u212aey", "customer_\u212aey"),  # the Kelvin sign stays: no 'k'
    ],
)
def test_column_key(name: str, key: str) -> None:
    assert column_key(name) == key


def _record(*names: str) -> Record:
    return Record(tuple(Field(n, quoted=False) for n in names), end=0, end_line=2, lines=1)


def test_header_from_finds_each_required_column() -> None:
    header = header_from(_record("x", " Amount", "TIMESTAMP", "customer_id", "transaction_id "))

    assert header.required == {"transaction_id": 4, "customer_id": 3, "amount": 1, "timestamp": 2}
    assert header.names == ("x", " Amount", "TIMESTAMP", "customer_id", "transaction_id ")


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (("transaction_id", "customer_id", "amount"), "no required column 'timestamp'"),
        (("transaction_id", "customer_id", "amount", "timestamp", "tİmestamp"), None),
        (("amount", "transaction_id", "customer_id", "timestamp", "AMOUNT "), "'amount' 2 times"),
    ],
)
def test_header_from_rejects_a_missing_or_repeated_column(
    names: tuple[str, ...], message: str | None
) -> None:
    if message is None:
        header_from(_record(*names))  # a non-ASCII look-alike is just another column
        return
    with pytest.raises(StructuralError, match=message):
        header_from(_record(*names))
