"""The core's native routines, one shared object built from the C files of this folder:

- timestamps.c: data-contract.md §3.3's timestamps parsed, and §4's written, each in one
  pass over a column. Polars hands a column over the Arrow C data interface (a String
  column exports as string views, an Int64 one as values) and takes the results back the
  same way, without a copy.
- amounts.c: §3.2's amounts checked and written as §4 writes them, in one pass over a
  column, the same way.
- records.c: §2.1's usual case (UTF-8, whole one-line records of the header's width)
  checked in one pass over a piece of the file, the structure pass's fast path.
- rows.c: §4's CSV lines of the valid rows, written from a batch's columns in one pass,
  with the exact sum of their amounts (its binding: rows.py; used by functions/core/output.py).
- ids.c: §3.1's repeated transaction_ids, a set of the keys of the ids read so far that
  each batch's keys are checked against and added to (functions/core/duplicates.py).

arrays.c builds the output arrays of the first two. The object is built for this machine by
`make` (tools/build_native.py) and for Lambda's arm64 into each function zip; it sits next
to this file.
"""

from __future__ import annotations

import ctypes
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

LIBRARY = Path(__file__).with_name("_native.so")


class _Schema(ctypes.Structure):
    pass


class _Array(ctypes.Structure):
    pass


_Schema._fields_ = [
    ("format", ctypes.c_char_p),
    ("name", ctypes.c_char_p),
    ("metadata", ctypes.c_char_p),
    ("flags", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("children", ctypes.c_void_p),
    ("dictionary", ctypes.c_void_p),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_Schema))),
    ("private_data", ctypes.c_void_p),
]
_Array._fields_ = [
    ("length", ctypes.c_int64),
    ("null_count", ctypes.c_int64),
    ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("buffers", ctypes.c_void_p),
    ("children", ctypes.c_void_p),
    ("dictionary", ctypes.c_void_p),
    ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(_Array))),
    ("private_data", ctypes.c_void_p),
]

_STRING_VIEW = b"vu"
_BOOLEAN = b"b"
_INT64 = b"l"
_UINT64 = b"L"
_ERRORS = {
    -1: "out of memory",
    -2: "not an array of the expected type",
    -3: "too long",
    -5: "not an amount as data-contract.md §4 writes one",
}
#: The most rows `etl_format_instants` and `etl_normalize_amounts` take at once (their
#: output's text offsets are 32-bit, and a value is at most 27 and 20 bytes long).
FORMAT_MAX_ROWS = (2**31 - 1) // 27
AMOUNT_MAX_ROWS = (2**31 - 1) // 20


def _load() -> ctypes.CDLL:
    if not LIBRARY.is_file():
        raise ImportError(
            f"{LIBRARY} is missing: build it from the C files next to it with `make native` "
            "(every make target that runs the core does this first)"
        )
    lib = ctypes.CDLL(str(LIBRARY))
    lib.etl_parse_timestamps.argtypes = [ctypes.POINTER(_Array)] * 3
    lib.etl_parse_timestamps.restype = ctypes.c_int
    lib.etl_format_instants.argtypes = [ctypes.POINTER(_Array)] * 2
    lib.etl_format_instants.restype = ctypes.c_int
    lib.etl_normalize_amounts.argtypes = [ctypes.POINTER(_Array)] * 2
    lib.etl_normalize_amounts.restype = ctypes.c_int
    lib.etl_one_line_records.argtypes = [ctypes.c_char_p, ctypes.c_int64, ctypes.c_int64]
    lib.etl_one_line_records.restype = ctypes.c_int64
    lib.etl_ids_new.argtypes = [ctypes.c_int64, ctypes.c_uint64]
    lib.etl_ids_new.restype = ctypes.c_void_p
    lib.etl_ids_free.argtypes = [ctypes.c_void_p]
    lib.etl_ids_free.restype = None
    lib.etl_ids_add.argtypes = [
        ctypes.c_void_p, ctypes.POINTER(_Array), ctypes.POINTER(_Array), ctypes.POINTER(ctypes.c_int64)
    ]  # fmt: skip
    lib.etl_ids_add.restype = ctypes.c_int64
    lib.etl_write_rows.argtypes = [
        ctypes.POINTER(ctypes.POINTER(_Array)), ctypes.c_int32, ctypes.POINTER(_Array),
        ctypes.c_int32, ctypes.c_int32, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64,
        ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_uint64 * 2),
    ]  # fmt: skip
    lib.etl_write_rows.restype = ctypes.c_int64
    for schema in (lib.etl_int64_schema, lib.etl_string_view_schema):
        schema.argtypes = [ctypes.POINTER(_Schema)]
        schema.restype = None
    return lib


_lib = _load()

INSTANT = "instant"
WALL = "wall"
#: What `parse_timestamps` returns: each value's UTC instant, or its wall time (to be read in
#: SOURCE_TIMEZONE), in microseconds since the epoch; both null for an invalid value.
PARSED = pl.Struct({INSTANT: pl.Int64, WALL: pl.Int64})


def _imported(array: _Array, name: str, schema_of: Callable[[Any], None]) -> pl.Series:
    """The Series of an array the C code filled (polars takes its buffers)."""
    schema = _Schema()
    schema_of(ctypes.byref(schema))
    # (schema, array) in that order, whatever the docstring of `_import_arrow_from_c` says
    # (py-polars/src/series/c_interface.rs destructures `(schema_ptr, array_ptr)`); polars
    # moves the array out of the struct and calls its release when done with the buffers.
    pointers = [(ctypes.addressof(schema), ctypes.addressof(array))]
    return pl.Series._import_arrow_from_c(name, pointers)


@contextmanager
def _exported(chunk: pl.Series, expected: bytes) -> Iterator[_Array]:
    """`chunk` (one chunk) as an Arrow C array of format `expected`, released afterwards."""
    source, schema = _Array(), _Schema()
    chunk._export_arrow_to_c(ctypes.addressof(source), ctypes.addressof(schema))
    try:
        if schema.format != expected:
            raise TypeError(
                f"expected Arrow format {expected!r}, polars exported {schema.format!r}"
            )
        yield source
    finally:
        source.release(ctypes.byref(source))
        schema.release(ctypes.byref(schema))


def _check(function: str, status: int) -> None:
    if status != 0:
        raise RuntimeError(f"{function}: {_ERRORS.get(status, status)}")


def _parse_chunk(chunk: pl.Series) -> tuple[pl.Series, pl.Series]:
    with _exported(chunk, _STRING_VIEW) as source:
        instant, wall = _Array(), _Array()
        _check("etl_parse_timestamps", _lib.etl_parse_timestamps(source, instant, wall))
    return (
        _imported(instant, INSTANT, _lib.etl_int64_schema),
        _imported(wall, WALL, _lib.etl_int64_schema),
    )


def _text(
    series: pl.Series, dtype: pl.DataType, expected: bytes, max_rows: int, name: str
) -> pl.Series:
    """`series` as `dtype`, through the routine `name` that writes a string-view array of
    the same length, at most `max_rows` rows at a time."""
    function = getattr(_lib, name)
    pieces = []
    for chunk in series.cast(dtype).get_chunks():
        for start in range(0, max(len(chunk), 1), max_rows):
            with _exported(chunk.slice(start, max_rows), expected) as source:
                text = _Array()
                _check(name, function(source, text))
            pieces.append(_imported(text, series.name, _lib.etl_string_view_schema))
    if not pieces:
        return pl.Series(series.name, [], dtype=pl.String)
    return pl.concat(pieces, rechunk=False)


def parse_timestamps(values: pl.Series) -> pl.Series:
    """Each trimmed String value of `values` parsed by data-contract.md §3.3 (without the
    year range and the time zone, which the caller applies), as a `PARSED` struct."""
    instants, walls = [], []
    for chunk in values.cast(pl.String).get_chunks():
        instant, wall = _parse_chunk(chunk)
        instants.append(instant)
        walls.append(wall)
    if not instants:
        return pl.Series(values.name, [], dtype=PARSED)
    frame = pl.DataFrame([pl.concat(instants, rechunk=False), pl.concat(walls, rechunk=False)])
    return frame.to_struct(values.name)


def format_instants(us: pl.Series) -> pl.Series:
    """Int64 UTC microseconds as data-contract.md §4 writes a timestamp
    (`YYYY-MM-DDTHH:MM:SS[.ffffff]Z`); null where `us` is null or outside the years 0001-9999."""
    return _text(us, pl.Int64(), _INT64, FORMAT_MAX_ROWS, "etl_format_instants")


def normalize_amounts(values: pl.Series) -> pl.Series:
    """Each trimmed String value of `values` that data-contract.md §3.2 accepts as an amount,
    written as §4 writes one (`-1234.50`); null for every other value."""
    return _text(values, pl.String(), _STRING_VIEW, AMOUNT_MAX_ROWS, "etl_normalize_amounts")


def one_line_records(data: bytes | memoryview, width: int) -> int | None:
    """The number of records in `data` when it is valid UTF-8 made only of whole records of
    `width` fields, each on one line and ending with LF or CRLF (data-contract.md §2.1's
    usual case): also its number of LFs. None says only that it is not that case: the
    caller's general checks decide, and explain. A memoryview (of a bytearray: writable) is
    read in place."""
    buffer = data if isinstance(data, bytes) else (ctypes.c_char * len(data)).from_buffer(data)
    found = _lib.etl_one_line_records(buffer, len(data), width)
    return None if found < 0 else int(found)


class IdSet:
    """A set of keys (ids.c), each given as two UInt64 halves of which it keeps 96 bits (all
    of the high one, the low one's lower 32): `add` says which of a batch's keys it held
    already. Sized for `expected` keys (it grows past them); its slots
    are chosen with a secret of its own, drawn here. `close` frees it."""

    def __init__(self, expected: int) -> None:
        self._set = _lib.etl_ids_new(expected, secrets.randbits(64))
        if not self._set:
            raise MemoryError(f"etl_ids_new: no memory for a set of {expected:,} keys")

    def add(self, high: pl.Series, low: pl.Series) -> pl.Series:
        """Add the keys (high[i], low[i]) in order, skipping a null high half; return the
        positions i (increasing) whose key the set held before, an earlier row's of these
        included."""
        if self._set is None:
            raise ValueError("the IdSet is closed")
        high, low = high.rechunk(), low.rechunk()
        repeats = (ctypes.c_int64 * max(len(high), 1))()
        with _exported(high, _UINT64) as highs, _exported(low, _UINT64) as lows:
            found = _lib.etl_ids_add(self._set, highs, lows, repeats)
        if found < 0:
            _check("etl_ids_add", int(found))
        return pl.Series(high.name, repeats[:found], dtype=pl.Int64)

    def close(self) -> None:
        """Free the set (once; later calls do nothing)."""
        if self._set is not None:
            _lib.etl_ids_free(self._set)
            self._set = None

    def __enter__(self) -> IdSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
