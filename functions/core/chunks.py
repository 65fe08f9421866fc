"""Reading a file in pieces of whole lines, for the vectorized structure checks.

A piece ends after the last LF of a chunk of about CHUNK_BYTES, or at the end of the file.
That LF may lie inside a quoted field: the reader of the piece then gives back the unfinished
last record (`Pieces.give_back`), which starts the next piece. Memory stays bounded: a piece
is about a chunk, or one record; a record (or a never-closed quote) longer than
MAX_RECORD_BYTES is a structural error, never held whole.

The file is read into one buffer, reused: a piece is a view of it, not a copy, and the
bytes a piece leaves (the part of a line after its last LF, a record given back) move to the
buffer's start before the next read. So a piece is valid until the next one is read, and
whoever needs its bytes longer copies them (`bytes(piece.data)`). The pieces do not count
their lines: the structure pass's fast path counts them as it checks the records
(native.one_line_records), and whoever needs line numbers keeps them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import BufferedIOBase

CHUNK_BYTES = 4 << 20
# The longest record read as a whole (a quoted field of this size is not a transaction):
# past it the file is rejected instead of held in memory (data-contract.md §2.1).
MAX_RECORD_BYTES = 64 << 20


@dataclass(frozen=True)
class Piece:
    """Bytes of the file from `offset` (a record start), a view of the reader's buffer valid
    until the next piece is read; `final`: they run to the end of the file."""

    data: memoryview
    offset: int
    final: bool


class Pieces:
    """The pieces of a file from its current position, which is `offset`."""

    def __init__(self, f: BufferedIOBase, offset: int) -> None:
        self._f, self._offset = f, offset
        # a chunk read after the bytes left by the last piece, which are less than a chunk
        # but for a long record, for which the buffer grows
        self._buffer = bytearray(2 * CHUNK_BYTES)
        self._held = 0  # buffer[:held]: read, and not yet in a piece read whole
        self._used = 0  # of the piece handed out: the bytes read (all of it, or give_back's)

    def give_back(self, piece: Piece, used: int) -> None:
        """Only `piece.data[:used]` was read: the rest starts the next piece."""
        self._used = used

    def __iter__(self) -> Iterator[Piece]:
        while True:
            if len(self._buffer) - self._held < CHUNK_BYTES:
                bigger = bytearray(self._held + CHUNK_BYTES)
                bigger[: self._held] = memoryview(self._buffer)[: self._held]
                self._buffer = bigger
            start = self._held
            read = self._f.readinto(memoryview(self._buffer)[start : start + CHUNK_BYTES])
            if not read:
                if start:
                    yield from self._hand_out(start, start, final=True)
                return
            end = start + read
            cut = self._buffer.rfind(b"\n", start, end) + 1
            if not cut and end <= MAX_RECORD_BYTES:
                self._held = end  # one line longer than a chunk
                continue
            yield from self._hand_out(cut or end, end, final=False)

    def _hand_out(self, cut: int, end: int, *, final: bool) -> Iterator[Piece]:
        """The piece buffer[:cut]; then what it left, up to `end`, moves to the start."""
        self._used = cut
        yield Piece(memoryview(self._buffer)[:cut], self._offset, final)
        used = self._used
        # a copy first (a slice of a bytearray is one): the two ranges may overlap
        self._buffer[: end - used] = self._buffer[used:end]
        self._offset += used
        self._held = end - used
