"""UTF-8: a piece as polars text, and the first invalid sequence of a file by line and offset."""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.core import encoding


def test_text_series_holds_valid_utf8_only() -> None:
    series = encoding.text_series("a,é\n".encode())

    assert series is not None and series.to_list() == ["a,é\n"]
    assert encoding.text_series(b"a,\xe9\n") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a\nb\n", None),
        (b"\xef\xbb\xbfa\n\xff", "line 2, byte offset 5"),  # the BOM counts in the offset
        (b"a\nb\xe2\x82", "line 2, byte offset 3"),  # cut short at the end: where it starts
        (b"a\n\n\xed\xa0\x80x", "line 3, byte offset 3"),  # a surrogate
        (b"\xc0\xaf", "line 1, byte offset 0"),  # overlong
    ],
)
def test_utf8_error_names_line_and_byte_offset(
    tmp_path: Path, data: bytes, message: str | None
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(data)

    found = encoding.utf8_error(source)

    assert found == (message and f"the file is not valid UTF-8 ({message})")


def test_a_sequence_cut_by_a_block_is_found_where_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(encoding, "_BLOCK", 4)
    source = tmp_path / "in.csv"
    source.write_bytes(b"ab\nc\xe2\x82(\n")  # the sequence spans blocks 1 and 2

    assert encoding.utf8_error(source) == "the file is not valid UTF-8 (line 2, byte offset 4)"
