"""Pieces of whole lines: cut after a chunk's last LF, an unfinished record given back, every
piece a view of one reused buffer."""

from __future__ import annotations

import io
import random

import pytest

from functions.core import chunks
from functions.core.chunks import Pieces


def _read(reader: Pieces) -> list[tuple[bytes, int, bool]]:
    """Each piece's bytes (copied while they are valid), offset and finality."""
    return [(bytes(p.data), p.offset, p.final) for p in reader]


def test_pieces_end_after_the_last_line_feed_of_a_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 8)

    found = _read(Pieces(io.BytesIO(b"ab\ncd\nefgh\nij"), 100))

    assert found == [(b"ab\ncd\n", 100, False), (b"efgh\n", 106, False), (b"ij", 111, True)]


def test_a_given_back_tail_starts_the_next_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 5)
    reader = Pieces(io.BytesIO(b'a\n"b\nc"\nd\n'), 0)
    found = []

    for piece in reader:
        found.append((bytes(piece.data), piece.offset))
        if piece.data == b'a\n"b\n':
            reader.give_back(piece, 2)  # '"b\n' is an unfinished record

    assert found == [(b'a\n"b\n', 0), (b'"b\nc"\nd\n', 2)]


def test_a_piece_given_back_whole_is_read_again_with_more(monkeypatch: pytest.MonkeyPatch) -> None:
    # line numbering gives back a piece that holds no whole record (here: a quoted field
    # spanning many chunks): the buffer grows past its two chunks to hold it
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 4)
    record = b'"' + b"a\n" * 10 + b'"\n'
    reader = Pieces(io.BytesIO(record + b"d\n"), 0)
    kept, given_back = [], []

    for piece in reader:
        if piece.data.tobytes().count(b'"') == 1:  # the record is not closed yet
            given_back.append((len(piece.data), piece.offset))
            reader.give_back(piece, 0)
        else:
            kept.append((bytes(piece.data), piece.offset))

    assert kept == [(record, 0), (b"d\n", len(record))]
    lengths = [n for n, _ in given_back]
    assert lengths == sorted(set(lengths)) and lengths[-1] > 2 * 4
    assert {offset for _, offset in given_back} == {0}


def test_a_line_longer_than_a_chunk_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 4)

    found = [bytes(p.data) for p in Pieces(io.BytesIO(b"abcdefghij\nk\n"), 0)]

    assert found == [b"abcdefghij\n", b"k\n"]


def test_a_line_longer_than_a_record_may_be_comes_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 4)
    monkeypatch.setattr(chunks, "MAX_RECORD_BYTES", 8)

    first = next(iter(Pieces(io.BytesIO(b"abcdefghijkl\n"), 0)))

    assert (bytes(first.data), first.final) == (b"abcdefghijkl", False)  # no LF: never a record


def test_a_piece_is_a_view_of_the_reused_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    # no copy per piece: the next read overwrites the last piece's bytes (chunks.py says so)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 4)
    reader = iter(Pieces(io.BytesIO(b"ab\ncd\n"), 0))
    first = next(reader)
    assert first.data == b"ab\n"
    next(reader)
    assert first.data == b"cd\n"


@pytest.mark.parametrize("seed", range(20))
def test_the_pieces_with_what_is_given_back_are_the_file(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # random lines and random give-backs (the carried bytes overlap where they move): the
    # pieces, each less what was given back, are the file in order, at their offsets
    rng = random.Random(seed)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", rng.randint(3, 40))
    data = b"".join(
        bytes(rng.choice(b"xyz,") for _ in range(rng.randint(0, 30))) + b"\n"
        for _ in range(rng.randint(1, 60))
    ) + bytes(rng.choice(b"xyz") for _ in range(rng.randint(0, 5)))
    reader = Pieces(io.BytesIO(data), 7)
    read, position = b"", 7

    for piece in reader:
        assert piece.offset == position
        used = rng.randint(1, len(piece.data)) if len(piece.data) and rng.random() < 0.4 else None
        if used is None or piece.final:
            used = len(piece.data)
        else:
            reader.give_back(piece, used)
        read += bytes(piece.data[:used])
        position += used

    assert read == data
