"""The pandas baseline's CSV writer: RFC 4180 fields, quoted exactly when they need it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bench.baselines.pandas_impl import STRING, write_csv


def _frame(columns: dict[str, list[str]], chunks: int = 1) -> pd.DataFrame:
    """Arrow-backed string columns, split into ``chunks`` chunks as a big read would be."""
    return pd.concat([pd.DataFrame(columns, dtype=STRING)] * chunks, ignore_index=True)


def test_fields_are_quoted_exactly_when_they_need_it(tmp_path: Path) -> None:
    df = _frame(
        {
            "id": ["a", "b", "c", "d", "e", "f"],
            "note": ["plain", "x,y", 'say "hi"', "two\nlines", "cr\rin", ""],
            "amount": ["1.00", "2.00", "3.00", "4.00", "5.00", "6.00"],
        }
    )
    out = tmp_path / "out.csv"
    write_csv(df, out, plain={"amount"})
    assert out.read_bytes() == (
        b"id,note,amount\n"
        b"a,plain,1.00\n"
        b'b,"x,y",2.00\n'
        b'c,"say ""hi""",3.00\n'
        b'd,"two\nlines",4.00\n'
        b'e,"cr\rin",5.00\n'
        b"f,,6.00\n"
    )


def test_header_names_are_quoted_like_fields(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    write_csv(_frame({"a,b": ["1"], 'q"': ["2"]}), out, plain=set())
    assert out.read_bytes() == b'"a,b","q"""\n1,2\n'


def test_every_chunk_is_written_in_order(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    df = _frame({"id": ["x", "y,z"]}, chunks=3)
    assert df["id"].array._pa_array.num_chunks == 3
    write_csv(df.iloc[1:], out, plain=set())  # a slice of it, as df[ok] is
    assert out.read_bytes() == b'id\n"y,z"\nx\n"y,z"\nx\n"y,z"\n'


def test_no_rows_is_the_header_alone(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    write_csv(_frame({"id": ["x"], "n": ["1"]}).iloc[:0], out, plain=set())
    assert out.read_bytes() == b"id,n\n"
