"""Baseline: the Python standard library (``csv`` + ``decimal`` + ``datetime``), row by row."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.baselines import WHITE_SPACE, Outcome, RowError, map_header

AMOUNT_RE = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?", re.ASCII)
ISO_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?)?",
    re.ASCII,
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CENT = Decimal("0.01")


def parse_amount(text: str) -> str:
    """Return the amount as a plain two-digit decimal string; raise ValueError if invalid."""
    m = AMOUNT_RE.fullmatch(text.strip(WHITE_SPACE))
    if m is None:
        raise ValueError("amount is not a decimal number")
    sign, whole, frac = m.groups()
    frac = (frac or "").rstrip("0")
    if len(frac) > 2:
        raise ValueError("amount has more than two fractional digits")
    whole = whole.replace(",", "").lstrip("0")
    if len(whole) > 16:
        raise ValueError("amount does not fit DECIMAL(18,2)")
    value = Decimal(f"{sign}{whole or '0'}.{frac or '0'}").quantize(CENT)
    return "0.00" if value == 0 else f"{value:f}"


def _utc(local: datetime) -> datetime:
    """``local`` in UTC; ValueError when that falls outside the years 0001-9999."""
    try:
        return local.astimezone(UTC)
    except OverflowError:
        raise ValueError("timestamp is outside the years 0001-9999 UTC") from None


def parse_timestamp(text: str, source_tz: tzinfo) -> str:
    """Return the timestamp as ISO 8601 UTC with ``Z``; raise ValueError if invalid."""
    text = text.strip(WHITE_SPACE)
    if text.isdigit() and text.isascii():
        n = len(text)
        if 9 <= n <= 11:
            moment = EPOCH + timedelta(seconds=int(text))
        elif 12 <= n <= 14:
            moment = EPOCH + timedelta(milliseconds=int(text))
        else:
            raise ValueError("ambiguous all-digit timestamp")
    else:
        m = ISO_RE.fullmatch(text)
        if m is None:
            raise ValueError("timestamp is not ISO 8601 or epoch")
        y, mo, d, h, mi, s, frac, off = m.groups()
        micro = int(frac[:6].ljust(6, "0")) if frac else 0
        tz: tzinfo = source_tz
        if off == "Z":
            tz = UTC
        elif off:
            oh, om = int(off[1:3]), int(off[-2:])
            if oh > 23 or om > 59:
                raise ValueError("timestamp offset out of range")
            delta = timedelta(hours=oh, minutes=om)
            tz = timezone(-delta if off[0] == "-" else delta)
        local = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro, tz)
        moment = _utc(local)
    base = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    return f"{base}.{moment.microsecond:06d}Z" if moment.microsecond else f"{base}Z"


def process_file(
    source: str | Path,
    output: str | Path,
    *,
    rejected: str | Path | None = None,
    source_timezone: str = "UTC",
) -> Outcome:
    """Validate and transform ``source`` into ``output``, streaming one row at a time."""
    outcome = Outcome()
    source_tz: tzinfo = UTC if source_timezone == "UTC" else ZoneInfo(source_timezone)
    with Path(source).open(encoding="utf-8-sig", newline="") as fin:
        reader = csv.reader(fin, strict=True)
        header = next(reader, None)
        if header is None:
            outcome.structural_error = "empty file"
            return outcome
        try:
            index, out_header = map_header(header)
        except ValueError as exc:
            outcome.structural_error = str(exc)
            return outcome
        i_tid, i_cid = index["transaction_id"], index["customer_id"]
        i_amt, i_ts = index["amount"], index["timestamp"]
        width = len(header)
        seen: set[str] = set()
        with Path(output).open("w", encoding="utf-8", newline="") as fout:
            writer = csv.writer(fout, lineterminator="\n")
            writer.writerow(out_header)
            prev_end = reader.line_num
            for row in reader:
                line = prev_end + 1
                prev_end = reader.line_num
                outcome.rows_total += 1
                if len(row) != width:
                    outcome.structural_error = f"line {line}: {len(row)} fields, expected {width}"
                    return outcome
                try:
                    tid = row[i_tid] = row[i_tid].strip(WHITE_SPACE)
                    if not tid:
                        raise ValueError("transaction_id is empty")
                    if tid in seen:
                        raise ValueError("transaction_id is duplicated")
                    seen.add(tid)
                    row[i_cid] = row[i_cid].strip(WHITE_SPACE)
                    if not row[i_cid]:
                        raise ValueError("customer_id is empty")
                    row[i_amt] = parse_amount(row[i_amt])
                    row[i_ts] = parse_timestamp(row[i_ts], source_tz)
                except ValueError as exc:
                    outcome.row_errors.append(RowError(line, str(exc)))
                    continue
                writer.writerow(row)
    return outcome.finish(rejected)
