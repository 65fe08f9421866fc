"""The structure pass: every §2 problem fails the file with a message naming the problem, its
line and byte offset; valid files are counted in records and lines, piece size aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.core import chunks, syntax
from functions.core.structure import StructuralError, read_layout
from tests.functions.core import differential
from tests.functions.core.adversarial import generate

HEADER = b"transaction_id,customer_id,amount,timestamp\n"  # 44 bytes: line 2 starts at offset 44
STRAY = "a '\"' inside an unquoted field (a field holding '\"' must be quoted, its '\"' doubled)"
AFTER = (
    "text after the closing quote of a quoted field (a field holding '\"' must be quoted as "
    "a whole, its '\"' doubled)"
)
CR = "a carriage return (CR) not followed by a line feed: only LF and CRLF end a line"
OPEN = "unterminated quoted field (a '\"' is never closed)"


def _error(tmp_path: Path, data: bytes) -> str:
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    with pytest.raises(StructuralError) as caught:
        read_layout(source)
    return str(caught.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b't1,c,"1"x,2024-01-01\n', f"line 2: {AFTER} (byte offset 52)"),
        (b't1,c,"1" "2",2024-01-01\n', f"line 2: {AFTER} (byte offset 52)"),
        (b't1,c,"a""b" c"",2024-01-01\n', f"line 2: {AFTER} (byte offset 55)"),
        (b't1,c,1""0,2024-01-01\n', f"line 2: {STRAY} (byte offset 50)"),
        (b't1,c, "1",2024-01-01\n', f"line 2: {STRAY} (byte offset 50)"),
        (b't1,c,1,2024-01-01\nt2,c,1,ab"', f"line 3: {STRAY} (byte offset 71)"),  # no final LF
        (b't1,"c\nd"x,1,2024-01-01\n', f"line 3: {AFTER} (byte offset 52)"),
        (b't1,c,"1,2024-01-01\nt2,c,1,2024-01-01\n', f"line 2: {OPEN} (byte offset 49)"),
        (b"t1,c,1,2024-01-01\r\nt2,c\r,1,2024-01-01\r\n", f"line 3: {CR} (byte offset 67)"),
        (b"t1,c,1,2024-01-01\r", f"line 2: {CR} (byte offset 61)"),
        (b"t1,c,1,2024-01-01\n\r", f"line 3: {CR} (byte offset 62)"),
        (b"t1,c,1,2024-01-01,x\n", "line 2: 5 fields, expected 4 like the header"),
        (b"t1,c,1,2024-01-01\nt2,c,1,2024-01-01,", "line 3: 5 fields, expected 4 like the header"),
        (b"t1,c,1\n", "line 2: 3 fields, expected 4 like the header"),
        (b't1,"c\nd",1\n', "line 2: 3 fields, expected 4 like the header"),
        (b"t1,c,1,2024-01-01\n\n", "line 3: empty line (expected 4 fields like the header)"),
        (b"", "the file has a header but no data rows"),
    ],
)
def test_each_broken_record_is_named_with_its_line(
    tmp_path: Path, body: bytes, message: str
) -> None:
    assert _error(tmp_path, HEADER + body) == message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf", "the file is empty"),
        (b'transaction_id,cus"tomer_id,amount,timestamp\n', f"line 1 (the header): {STRAY} (byte offset 18)"),
        (b'"transaction_id"x,customer_id,amount,timestamp\n', f"line 1 (the header): {AFTER} (byte offset 16)"),
        (b'\xef\xbb\xbftransaction_id,"customer_id,amount,timestamp\nt', f"line 1 (the header): {OPEN} (byte offset 18)"),
        (b"transaction_id\rcustomer_id\ramount\rtimestamp\rt,c,1,2024-01-01\r", f"line 1 (the header): {CR} (byte offset 14)"),
        (b"transaction_id,amount,timestamp\n", "line 1: the header has no required column 'customer_id'"),
        (b"Amount,customer_id,timestamp,transaction_id, AMOUNT\n", "line 1: the header has the required column 'amount' 2 times"),
        (HEADER + b"t1,c,1,\xe2\x82", "the file is not valid UTF-8 (line 2, byte offset 51)"),
        (HEADER + b't1,"c\n\xff",1,2024\n', "the file is not valid UTF-8 (line 3, byte offset 50)"),
        # an invalid byte anywhere comes before any syntax problem
        (HEADER + b'a"b,c,1,2\n' * 3 + b"t,\xc3(,1,2\n", "the file is not valid UTF-8 (line 5, byte offset 76)"),
        (b"transaction_id,customer_id\n\xff", "the file is not valid UTF-8 (line 2, byte offset 27)"),
    ],
)  # fmt: skip
def test_file_and_header_problems(tmp_path: Path, data: bytes, message: str) -> None:
    assert _error(tmp_path, data) == message


def test_a_record_longer_than_the_limit_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 16)
    monkeypatch.setattr(chunks, "MAX_RECORD_BYTES", 64)
    body = b"t1,c,1,2024-01-01\n" + b't2,c,1,"' + b"x\n" * 40 + b'"\n'

    message = _error(tmp_path, HEADER + body)

    assert message == (
        "line 3: a record longer than 0 MiB, the most one record may take (most likely a "
        "'\"' that is never closed)"
    )


LAYOUT = HEADER + b't1,c,1,2024-01-01\r\nt2,"c\nd\re",1,2024-01-01\n"t3",c,1,"2024\n\n-01-01"'


@pytest.mark.parametrize(("chunk", "width"), [(1 << 20, 1500), (7, 1500), (1 << 20, 2), (5, 2)])
def test_records_and_lines_whatever_the_piece_size_and_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, width: int
) -> None:
    monkeypatch.setattr(chunks, "CHUNK_BYTES", chunk)
    monkeypatch.setattr(syntax, "MAX_PATTERN_WIDTH", width)  # 2: the path of wide records
    source = tmp_path / "in.csv"
    source.write_bytes(LAYOUT)

    layout = read_layout(source)

    assert (layout.records, layout.lines, layout.data_offset) == (3, 6, 44)
    assert not layout.one_line_records
    assert layout.header.lines == 1


def test_small_pieces_and_the_wide_path_agree_with_the_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The adversarial files again, cut into pieces of a few bytes and read by the path for
    records too wide for one pattern: the core must still agree with the reference."""
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 13)
    monkeypatch.setattr(syntax, "MAX_PATTERN_WIDTH", 3)

    disagreements = [
        (c.case.tag, c.differences)
        for c in map(differential.compare, generate(seed=7, count=150))
        if c.differences
    ]

    assert disagreements == []
