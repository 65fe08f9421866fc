"""Pieces of whole lines: cut after a chunk's last LF, an unfinished record given back."""

from __future__ import annotations

import io

import pytest

from functions.core import chunks
from functions.core.chunks import Piece, Pieces


def test_pieces_end_after_the_last_line_feed_of_a_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 8)

    found = list(Pieces(io.BytesIO(b"ab\ncd\nefgh\nij"), 100, 5))

    assert found == [
        Piece(b"ab\ncd\n", 100, 5, 2, final=False),
        Piece(b"efgh\n", 106, 7, 1, final=False),
        Piece(b"ij", 111, 8, 0, final=True),
    ]


def test_a_given_back_tail_starts_the_next_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 5)
    reader = Pieces(io.BytesIO(b'a\n"b\nc"\nd\n'), 0, 1)
    found = []

    for piece in reader:
        found.append(piece)
        if piece.data == b'a\n"b\n':
            reader.give_back(piece, 2)  # '"b\n' is an unfinished record

    assert [(p.data, p.offset, p.line) for p in found] == [
        (b'a\n"b\n', 0, 1),
        (b'"b\nc"\nd\n', 2, 2),
    ]


def test_a_line_longer_than_a_chunk_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 4)

    found = [p.data for p in Pieces(io.BytesIO(b"abcdefghij\nk\n"), 0, 1)]

    assert found == [b"abcdefghij\n", b"k\n"]


def test_a_line_longer_than_a_record_may_be_comes_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 4)
    monkeypatch.setattr(chunks, "MAX_RECORD_BYTES", 8)

    first = next(iter(Pieces(io.BytesIO(b"abcdefghijkl\n"), 0, 1)))

    assert (first.data, first.final) == (b"abcdefghijkl", False)  # no LF: never a record
