"""Reading a file in pieces of whole lines, for the vectorized structure checks.

A piece ends after the last LF of a chunk of about CHUNK_BYTES, or at the end of the file.
That LF may lie inside a quoted field: the reader of the piece then gives back the unfinished
last record (`Pieces.give_back`), which starts the next piece. Memory stays bounded: a piece
is about a chunk, or one record; a record (or a never-closed quote) longer than
MAX_RECORD_BYTES is a structural error, never held whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK_BYTES = 4 << 20
# The longest record read as a whole (a quoted field of this size is not a transaction):
# past it the file is rejected instead of held in memory (data-contract.md §2.1).
MAX_RECORD_BYTES = 64 << 20


@dataclass(frozen=True)
class Piece:
    """Bytes of the file from `offset` (a record start) on `line`, holding `lfs` line feeds;
    `final`: they run to the end of the file."""

    data: bytes
    offset: int
    line: int
    lfs: int
    final: bool


class Pieces:
    """The pieces of a file from its current position, which is `offset`, on `line`."""

    def __init__(self, f: BinaryIO, offset: int, line: int) -> None:
        self._f, self._offset, self._line = f, offset, line
        self._carry = b""

    def give_back(self, piece: Piece, used: int) -> None:
        """Only `piece.data[:used]` was read: the rest starts the next piece."""
        rest = piece.data[used:]
        self._carry = rest + self._carry
        self._offset -= len(rest)
        self._line -= rest.count(b"\n")

    def __iter__(self) -> Iterator[Piece]:
        while True:
            data = self._f.read(CHUNK_BYTES)
            if not data:
                if self._carry:
                    yield self._piece(self._carry, final=True)
                return
            cut = data.rfind(b"\n") + 1
            if not cut and len(self._carry) + len(data) <= MAX_RECORD_BYTES:
                self._carry += data  # one line longer than a chunk
                continue
            cut = cut or len(data)
            whole = self._carry + memoryview(data)[:cut] if self._carry or cut < len(data) else data
            self._carry = data[cut:]
            yield self._piece(whole, final=False)

    def _piece(self, data: bytes, *, final: bool) -> Piece:
        piece = Piece(data, self._offset, self._line, data.count(b"\n"), final)
        self._offset += len(data)
        self._line += piece.lfs
        return piece
