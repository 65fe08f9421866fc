"""The structure pass's C fast path (functions/core/native/records.c): it says yes exactly to
the pieces the general checks accept as whole one-line records of the header's width.

The oracle is what the structure pass decides without it: Python's strict UTF-8 decoder, the
anchored record pattern of syntax.py run by polars, and the count of records against the
count of lines. A yes the oracle does not give would let a broken file through; a no it does
give would only cost speed, and is held here as well, so that the fast path stays the path.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.core import native, structure, syntax


def _fast(data: bytes, width: int) -> bool:
    """The fast path's verdict; when yes, the count it gives is the count of the LFs (the
    structure pass takes it for the piece's lines and records without counting them)."""
    found = native.one_line_records(data, width)
    if found is not None:
        assert found == data.count(b"\n")
    return found is not None


def _oracle(data: bytes, width: int) -> bool:
    """The general checks' verdict: valid UTF-8, whole records of `width` fields, one a line."""
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return False
    left = pl.Series([text]).str.replace(syntax.records_pattern(width), "")[0]
    return left == "" and structure._count(data) == data.count(b"\n")


@pytest.mark.parametrize(
    ("data", "width", "accepted"),
    [
        (b"", 2, True),  # an empty piece holds no record to reject
        (b"a,b\nc,d\n", 2, True),
        (b"a,b\r\nc,d\r\n", 2, True),
        (b'"a,b","c""d"\n"",x\n', 2, True),
        (b'"a\rb",c\n', 2, True),  # a CR inside quotes is data
        ("é,€\n😀,\U0010ffff\n".encode(), 2, True),
        (b"\n", 1, True),  # a blank line is one empty field
        (b"\n", 2, False),
        (b'"a\nb",c\n', 2, False),  # valid, but a record spans lines: the general path's
        (b"a,b\nc,d", 2, False),  # the piece ends inside a record
        (b"a,b\nc\n", 2, False),
        (b"a,b,c\n", 2, False),
        (b'a"b,c\n', 2, False),
        (b'"a"b,c\n', 2, False),
        (b'"a""",b\n"c,d\n', 2, False),  # never closed
        (b"a\rb,c\n", 2, False),
        (b"a,b\r", 2, False),
        (b"a,b\r\r\n", 2, False),
        (b"\xc3,b\n", 2, False),  # a truncated sequence
        (b"\xc0\xaf,b\n", 2, False),  # overlong
        (b"\xed\xa0\x80,b\n", 2, False),  # a surrogate
        (b"\xf4\x90\x80\x80,b\n", 2, False),  # above U+10FFFF
        (b'"\xff",b\n', 2, False),
        (b"a,b\n", 0, False),
    ],
)
def test_cases(data: bytes, width: int, accepted: bool) -> None:
    assert _fast(data, width) is accepted
    if width:
        assert _oracle(data, width) is accepted


def test_every_two_byte_start_of_a_multibyte_sequence_is_judged_as_python_does() -> None:
    # every lead byte (and stray continuation byte) with every second byte, then tails that
    # complete three- and four-byte sequences or break them
    wrong = []
    for tail in (b"", b"\x80", b"\xbf\xbf", b"\x80a", b"\x90\x80"):
        for lead in range(0x80, 0x100):
            for second in range(0x100):
                value = bytes((lead, second)) + tail
                if any(c in value for c in b'",\r\n'):
                    continue
                try:
                    value.decode()
                    expected = True
                except UnicodeDecodeError:
                    expected = False
                if _fast(value + b"\n", 1) is not expected:
                    wrong.append(value)
    assert wrong == []


_TOKENS = [b"a", b"1", b" ", b",", b'"', b'""', b"\r", b"\n", b"\r\n", "é".encode(), "😀".encode()]
_TOKENS += [b"\xc3", b"\xa9", b"\xed\xa0\x80", b"\xf0\x9f", b"\xff"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=40).map(b"".join), st.integers(1, 4))
def test_the_fast_path_agrees_with_the_general_checks(data: bytes, width: int) -> None:
    assert _fast(data, width) is _oracle(data, width)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["a", 'b"c', "d,e", "", '"', "é"]), min_size=3, max_size=3),
        min_size=1,
        max_size=8,
    ),
    st.booleans(),
)
def test_well_formed_pieces_are_accepted(rows: list[list[str]], crlf: bool) -> None:
    # written the way §4 writes a record: the accepted case, not only the rejected ones
    lines = (",".join('"' + v.replace('"', '""') + '"' for v in row) for row in rows)
    data = "".join(line + ("\r\n" if crlf else "\n") for line in lines).encode()
    assert native.one_line_records(data, 3) == len(rows)
    assert _oracle(data, 3)


def test_the_structure_pass_takes_the_fast_path_for_one_line_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"transaction_id,customer_id,amount,timestamp\n" + b"t,c,1,2024-01-01\n" * 9)

    def general_path(_data: bytes) -> None:
        raise AssertionError("the general checks ran on a piece of one-line records")

    monkeypatch.setattr(structure, "text_series", general_path)
    layout = structure.read_layout(source)
    assert (layout.records, layout.lines) == (9, 9)


# Run in a child process, so that a read past the piece kills the child, not the test run: each
# piece is placed so that it ends exactly where an unreadable page begins.
_AT_A_PAGE_END = r"""
import ctypes, mmap, sys
from functions.core import native

page = mmap.PAGESIZE
area = mmap.mmap(-1, 2 * page)
start = ctypes.addressof(ctypes.c_char.from_buffer(area))
libc = ctypes.CDLL(None, use_errno=True)
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
if libc.mprotect(start + page, page, 0) != 0:  # PROT_NONE
    sys.exit("mprotect failed")
verdicts = []
for data in eval(sys.stdin.read()):
    area[page - len(data) : page] = data
    pointer = ctypes.cast(start + page - len(data), ctypes.c_char_p)
    verdicts.append(native._lib.etl_one_line_records(pointer, len(data), 2))
print(verdicts)
"""


def test_no_read_goes_past_the_end_of_the_piece() -> None:
    # each piece stops in the middle of something the routine must look past to finish: a
    # multibyte sequence cut short (whose missing bytes would be read from the next page), a
    # CR awaiting its LF, a quote that might be doubled
    pieces = [b"a,\xc3", b"a,\xe2\x82", b"a,\xf0\x9f\x98", b'a,"\xe2', b"a,b\r", b'a,"b"', b"a,b\n"]
    done = subprocess.run(
        [sys.executable, "-c", _AT_A_PAGE_END],
        input=repr(pieces), capture_output=True, text=True, cwd=Path(__file__).parents[4],
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr or f"killed by signal {-done.returncode}"
    assert done.stdout.split() == ["[-1,", "-1,", "-1,", "-1,", "-1,", "-1,", "1]"]
