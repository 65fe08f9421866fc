"""Baseline: pandas on Arrow-backed dtypes, vectorized, written the way its experts would.

Every column is read by the pyarrow engine straight into ``large_string`` (pandas' own parse
type: no cast), and never leaves Arrow-backed or numpy dtypes: no object columns, no Python
loop over rows except for the reasons of the rejected ones. Amounts become exact
``decimal128`` values (never floats) once a regex has proven their shape; timestamps go
through pandas' ISO 8601 parser and are formatted by Arrow's timestamp-to-string cast (pandas'
and Arrow's ``strftime`` are ~10x slower). The output is written by joining the Arrow string
columns into lines (``DataFrame.to_csv`` goes through object dtype: ~3x slower than all the
rest), quoting exactly the fields that need it (data-contract.md §4).

Pitfalls handled: ``to_datetime`` accepts unpadded dates (``2024-1-5``), so shapes and
time-of-day ranges are proven by a regex first, and it switches the whole column to
nanoseconds (years 1677-2262) when one value has more than 6 fraction digits, so the values
it then loses are parsed again with the fraction cut to microseconds; ``str.strip()`` also
strips U+001C..U+001F, so values are trimmed of exactly the contract's white space.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bench.baselines import REQUIRED, WHITE_SPACE, Outcome, RowError, map_header

STRING = pd.ArrowDtype(pa.large_string())
INT = pd.ArrowDtype(pa.int64())
WIDE_DECIMAL = pd.ArrowDtype(pa.decimal128(38, 2))  # any proven amount fits; then |v| < 10^16
# Contract shapes of already trimmed values (data-contract.md §3.2, §3.3).
AMOUNT_OK = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2}0*)?"
AMOUNT_LOOSE = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\.[0-9]+"
ISO = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\.[0-9]{1,9})?(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?)?"
)
EPOCH = "[0-9]{9,14}"  # 9-11 digits: seconds, 12-14: milliseconds
MIN_US = -62_135_596_800 * 1_000_000  # 0001-01-01T00:00:00Z
MAX_US = 253_402_300_800 * 1_000_000  # 10000-01-01T00:00:00Z
QUOTE_BYTES = np.zeros(256, dtype=bool)
QUOTE_BYTES[[ord(c) for c in ',"\r\n']] = True
QUOTE, LF, COMMA, NOTHING = (pa.scalar(c, pa.large_string()) for c in ('"', "\n", ",", ""))


def _amounts(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(each amount as plain two-digit text, valid mask) of a trimmed column."""
    shaped = raw.str.fullmatch(AMOUNT_OK).to_numpy(bool)
    value = raw.where(shaped, "0").str.replace(",", "", regex=False).astype(WIDE_DECIMAL)
    fits = (value.abs() < 10**16).to_numpy(bool)
    return value.astype(STRING), shaped & fits


def _iso_us(raw: pd.Series, iso: np.ndarray) -> np.ndarray:
    """Microseconds since the epoch of the ``iso`` values; below MIN_US where invalid."""
    moment = pd.to_datetime(
        raw.where(iso, "1970-01-01"), format="ISO8601", utc=True, errors="coerce"
    )
    lost = iso & moment.isna().to_numpy()
    if moment.dt.unit == "ns" and lost.any():
        cut = raw[lost].str.replace(r"(\.[0-9]{6})[0-9]+", r"\1", regex=True)
        again = pd.to_datetime(cut, format="ISO8601", utc=True, errors="coerce")
        moment = moment.dt.floor("us").astype("datetime64[us, UTC]")
        moment[lost] = again.astype("datetime64[us, UTC]")
    moment = moment.astype("datetime64[us, UTC]")
    us = moment.dt.tz_convert(None).to_numpy().view("int64")
    return np.where(moment.notna().to_numpy(), us, MIN_US - 1)


def _timestamps(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(each timestamp as ISO 8601 UTC text, valid mask) of a trimmed column."""
    iso = raw.str.fullmatch(ISO).to_numpy(bool)
    epoch = raw.str.fullmatch(EPOCH).to_numpy(bool)
    num = raw.where(epoch, "0").astype(INT).to_numpy("int64")
    seconds = (raw.str.len() <= 11).to_numpy(bool)
    us = np.where(epoch, np.where(seconds, num * 1_000_000, num * 1000), _iso_us(raw, iso))
    ok = (iso | epoch) & (us >= MIN_US) & (us < MAX_US)
    # Arrow's cast writes "YYYY-MM-DD HH:MM:SS.ffffff": the T, no zero fraction, the Z.
    text = pc.cast(pa.array(np.where(ok, us, 0).astype("datetime64[us]")), pa.large_string())
    text = pc.replace_substring(pc.binary_replace_slice(text, 10, 11, "T"), ".000000", "")
    text = pc.binary_join_element_wise(text, pa.scalar("Z", pa.large_string()), NOTHING)
    return pd.Series(pd.arrays.ArrowExtensionArray(text), index=raw.index), ok


def _reason(tid: str, dup: bool, cid: str, amount: str, amount_ok: bool, stamp: str) -> str:
    """Why one row is rejected (its first broken rule); called for the rejected rows only."""
    if not tid:
        return "transaction_id is empty"
    if dup:
        return "transaction_id is duplicated"
    if not cid:
        return "customer_id is empty"
    if not amount_ok:
        if re.fullmatch(AMOUNT_OK, amount):
            return "amount does not fit DECIMAL(18,2)"
        if re.fullmatch(AMOUNT_LOOSE, amount):
            return "amount has more than two fractional digits"
        return "amount is not a decimal number"
    if re.fullmatch("[0-9]+", stamp) and not re.fullmatch(EPOCH, stamp):
        return "ambiguous all-digit timestamp"
    if not re.fullmatch(f"{ISO}|{EPOCH}", stamp):
        return "timestamp is not ISO 8601 or epoch"
    return "timestamp is not a valid date and time"


def _values(chunk: pa.Array) -> memoryview:
    """The bytes of every value of a non-empty ``large_string`` chunk, back to back."""
    _, offsets, data = chunk.buffers()
    start, end = np.frombuffer(offsets, np.int64)[[chunk.offset, chunk.offset + len(chunk)]]
    return memoryview(data)[int(start) : int(end)]


def _csv_field(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """A string column as CSV fields: quoted, quotes doubled, where the value needs it."""
    chunks = [c for c in arr.chunks if len(c)]
    if not any(QUOTE_BYTES[np.frombuffer(_values(c), np.uint8)].any() for c in chunks):
        return arr  # the usual column: no byte anywhere asks for quoting
    need = pc.match_substring_regex(arr, '[,"\r\n]')
    quoted = pc.binary_join_element_wise(
        QUOTE, pc.replace_substring(arr, '"', '""'), QUOTE, NOTHING
    )
    return pc.if_else(need, quoted, arr)


def write_csv(df: pd.DataFrame, output: str | Path, plain: set[str]) -> None:
    """Write ``df`` (``large_string`` columns) as CSV with LF line ends; ``plain`` never need quotes."""
    fields = [pa.chunked_array(df[c].array._pa_array, pa.large_string()) for c in df.columns]
    fields = [f if c in plain else _csv_field(f) for c, f in zip(df.columns, fields, strict=True)]
    fields[-1] = pc.binary_join_element_wise(fields[-1], LF, NOTHING)
    lines = pc.binary_join_element_wise(*fields, COMMA)
    names = _csv_field(pa.chunked_array([pa.array(list(df.columns), pa.large_string())]))
    with Path(output).open("wb") as fh:
        fh.write((",".join(names.to_pylist()) + "\n").encode())
        for chunk in lines.chunks:
            if len(chunk):
                fh.write(_values(chunk))


def process_file(
    source: str | Path,
    output: str | Path,
    *,
    rejected: str | Path | None = None,
    source_timezone: str = "UTC",
) -> Outcome:
    """Validate and transform ``source`` into ``output`` in memory with pandas."""
    if source_timezone != "UTC":
        raise NotImplementedError("the pandas baseline assumes UTC for timestamps without offset")
    outcome = Outcome()
    # The pyarrow reader skips a UTF-8 BOM itself (encoding="utf-8-sig" re-decodes in Python).
    df = pd.read_csv(
        source, engine="pyarrow", dtype=STRING, dtype_backend="pyarrow", keep_default_na=False
    )
    try:
        index, out_header = map_header(list(df.columns))
    except ValueError as exc:
        outcome.structural_error = str(exc)
        return outcome
    tid, cid, amt, ts = (df.iloc[:, index[k]].str.strip(WHITE_SPACE) for k in REQUIRED)
    amount, amount_ok = _amounts(amt)
    stamp, stamp_ok = _timestamps(ts)
    has_tid = (tid != "").to_numpy(bool)
    dup = has_tid & tid.duplicated().to_numpy()
    ok = has_tid & ~dup & (cid != "").to_numpy(bool) & amount_ok & stamp_ok
    for key, col in zip(REQUIRED, (tid, cid, amount, stamp), strict=True):
        df.isetitem(index[key], col)
    df.columns = out_header
    write_csv(df[ok], output, {"amount", "timestamp"})
    outcome.rows_total = len(df)
    bad = np.flatnonzero(~ok)
    rows = zip(
        tid.iloc[bad],
        dup[bad],
        cid.iloc[bad],
        amt.iloc[bad],
        amount_ok[bad],
        ts.iloc[bad],
        strict=True,
    )
    outcome.row_errors = [RowError(int(i) + 2, _reason(*r)) for i, r in zip(bad, rows, strict=True)]
    return outcome.finish(rejected)
