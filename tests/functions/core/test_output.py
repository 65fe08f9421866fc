"""The transformed file: canonical header names, normalized required fields, written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from functions.core import rules
from functions.core.output import Output, csv_field, csv_line, header_fields, header_names
from functions.core.structure import read_header
from functions.core.syntax import Field

HEADER = b" Amount ,note,TRANSACTION_ID,customer_id,Timestamp\n"
# 2024-01-02T00:00:00Z as the rules give it to the output: UTC microseconds
JAN_2_2024 = 1_704_153_600 * 1_000_000


def _header(tmp_path: Path) -> Path:
    source = tmp_path / "in.csv"
    source.write_bytes(HEADER)
    return source


def test_required_columns_get_their_canonical_names(tmp_path: Path) -> None:
    header = read_header(_header(tmp_path))

    assert header_names(header) == ["amount", "note", "transaction_id", "customer_id", "timestamp"]


def test_rows_carry_the_normalized_required_fields_and_the_others_raw(tmp_path: Path) -> None:
    header = read_header(_header(tmp_path))
    valid = pl.DataFrame(
        {
            "c0": [" 1,234.5 "],
            "c1": ['say "hi"'],
            "c2": [" t1 "],
            "c3": ["c1"],
            "c4": ["2024-01-02"],
            rules.TID: ["t1"],
            rules.CID: ["c1"],
            rules.AMOUNT: ["1234.50"],
            rules.TIMESTAMP: [JAN_2_2024 + 500_000],
        }
    )
    target = tmp_path / "out.csv"

    with Output(tmp_path / "scratch.csv", target, header) as out:
        out.write(valid)
        out.write(valid)
    assert not target.exists()  # not until the file is accepted
    out.commit()

    row = b'1234.50,"say ""hi""",t1,c1,2024-01-02T00:00:00.500000Z\n'
    assert target.read_bytes() == b"amount,note,transaction_id,customer_id,timestamp\n" + row * 2
    assert not (tmp_path / "scratch.csv").exists()


def test_the_amounts_written_are_summed_exactly_and_only_they(tmp_path: Path) -> None:
    header = read_header(_header(tmp_path))
    amounts = ["0.10", "0.20", "-1234567890123456.99", "9999999999999999.99"]
    batch = pl.DataFrame(
        {
            **{f"c{i}": ["x"] * 4 for i in range(5)},
            rules.TID: ["t"] * 4,
            rules.CID: ["c"] * 4,
            rules.AMOUNT: amounts,
            rules.TIMESTAMP: [JAN_2_2024] * 4,
        }
    )

    with Output(tmp_path / "scratch.csv", tmp_path / "out.csv", header) as out:
        assert out.amount_total == "0.00"
        out.write(batch)
        out.write(batch, pl.Series([True, True, False, False]))  # the rejected are not written

    # 0.30 + 8765432109876543.00, then 0.30 again: no float would keep the cents
    assert out.amount_total == "8765432109876543.60"


@pytest.mark.parametrize(
    ("field", "written"),
    [
        (Field("plain", quoted=True), "plain"),  # quotes that were not needed are dropped
        (Field("", quoted=True), '""'),  # a quoted empty string stays one
        (Field("", quoted=False), ""),
        (Field("a,b", quoted=True), '"a,b"'),
        (Field('say "hi"', quoted=True), '"say ""hi"""'),
        (Field("no\rte", quoted=True), '"no\rte"'),  # a lone CR is quoted, never bare
        (Field("a\nb", quoted=True), '"a\nb"'),
        (Field(" padded ", quoted=False), " padded "),
    ],
)
def test_csv_field_quotes_exactly_where_section_4_says(field: Field, written: str) -> None:
    assert csv_field(field) == written


def test_extra_header_names_are_written_as_read(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b'"no\rte",transaction_id,"","a,b",,customer_id,amount,timestamp\n')

    written = csv_line(header_fields(read_header(source)))

    assert written == b'"no\rte",transaction_id,"","a,b",,customer_id,amount,timestamp\n'
