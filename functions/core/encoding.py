"""UTF-8 (data-contract.md §2.1): the polars text of a piece, and where a file stops being UTF-8."""

from __future__ import annotations

import codecs
from pathlib import Path

import polars as pl

BOM = codecs.BOM_UTF8
_BLOCK = 1 << 20


def text_series(data: bytes) -> pl.Series | None:
    """`data` as a one-value polars String Series (validated in Rust), or None if not UTF-8."""
    try:
        return pl.Series([data], dtype=pl.Binary).cast(pl.String)
    except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
        return None


def utf8_error(path: Path) -> str | None:
    """The first invalid UTF-8 sequence of the file, as a message naming its line and byte
    offset (from the first byte of the file, a BOM included); None when the file is UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = lfs = 0
    with path.open("rb") as f:
        while True:
            block = f.read(_BLOCK)
            pending = len(decoder.getstate()[0])  # bytes of a sequence cut by the last block
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                at = offset - pending + exc.start
                line = lfs + block.count(b"\n", 0, max(at - offset, 0)) + 1
                return f"the file is not valid UTF-8 (line {line}, byte offset {at})"
            if not block:
                return None
            offset += len(block)
            lfs += block.count(b"\n")
