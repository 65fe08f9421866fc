"""Baseline: DuckDB SQL on one thread, written the way its experts would for this contract.

The CSV is parsed once (every column VARCHAR, no sniffing) into a narrow temp table that holds
only what the output needs: the trimmed ids, the amount as ``DECIMAL(18,2)``, the instant as
``TIMESTAMP``, the extra columns as read, and a rejection reason (NULL on a valid row). Each
amount and timestamp goes through one RE2 full match and one ``TRY_CAST``; duplicates are a
``GROUP BY`` of the trimmed ids and a window over the few repeated ones. ``COPY`` then streams
the valid rows out in insertion order (one thread, one table: no ORDER BY needed) and formats
the instants.

Pitfalls handled: ``try_strptime``/``%z`` and casts accept unpadded dates, ``24:00``, ``:60``,
``1e3`` and more, so every shape is proven by a regex first, with the time-of-day ranges;
the calendar (Feb 30) is left to ``TRY_CAST(... AS TIMESTAMPTZ)``; the amount regex admits
at most two significant fraction digits, so ``TRY_CAST(... AS DECIMAL(18,2))`` never rounds;
``trim()`` strips only the Unicode space separators, not TAB..CR, U+0085, U+2028 or U+2029,
so values are trimmed by ``ws_trim`` (data-contract.md §3.0).
"""

# SQL is built from the file header (identifiers quoted with _q) and our own paths (_lit).
# ruff: noqa: S608

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb

from bench.baselines import WHITE_SPACE, Outcome, RowError, map_header

# Contract shapes of already trimmed values (data-contract.md §3.2, §3.3).
AMOUNT_OK = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2}0*)?"
AMOUNT_LOOSE = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\.[0-9]+"
ISO = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\.[0-9]{1,9})?(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?)?"
)
EPOCH = "[0-9]{9,14}"  # 9-11 digits: seconds, 12-14: milliseconds
STAMP_OK = f"{ISO}|{EPOCH}"
MIN_US = -62_135_596_800 * 1_000_000  # 0001-01-01T00:00:00Z
MAX_US = 253_402_300_800 * 1_000_000  # 10000-01-01T00:00:00Z
WS_CLASS = "[" + "".join(f"\\x{{{ord(c):X}}}" for c in WHITE_SPACE) + "]"
# Code points 33..132 are never white space: the usual value skips the regex (ord: the first).
WS_TRIM = f"""CREATE TEMP MACRO ws_trim(x) AS CASE
  WHEN x = '' OR (ord(x) BETWEEN 33 AND 132 AND ord(x[-1]) BETWEEN 33 AND 132) THEN x
  ELSE regexp_replace(x, '^{WS_CLASS}+|{WS_CLASS}+$', '', 'g') END"""
DUPLICATES = """
UPDATE t SET reason = 'transaction_id is duplicated' WHERE rowid IN (
  SELECT r FROM (
    SELECT rowid AS r, row_number() OVER (PARTITION BY tid ORDER BY rowid) AS k FROM t
    WHERE tid IN (SELECT tid FROM t WHERE tid <> '' GROUP BY tid HAVING count(*) > 1)
  ) WHERE k > 1)"""
TS_TEXT = (
    "CASE WHEN epoch_us(ts) % 1000000 = 0 THEN strftime(ts, '%Y-%m-%dT%H:%M:%SZ')"
    " ELSE strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') END"
)


def _q(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    """Quote an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _load_sql(source: str, header: list[str], index: dict[str, int]) -> str:
    """The statement that parses the file once into the narrow table ``t``."""
    tid, cid = _q(header[index["transaction_id"]]), _q(header[index["customer_id"]])
    amt, ts = _q(header[index["amount"]]), _q(header[index["timestamp"]])
    required = ", ".join(_lit(header[i]) for i in index.values())
    types = ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in header)
    extras = "".join(f", {_q(c)}" for i, c in enumerate(header) if i not in index.values())
    bad_us = f"us IS NULL OR us < {MIN_US} OR us >= {MAX_US}"
    # force_not_null: an empty required field is '' (not NULL); extra columns keep NULL for an
    # unquoted empty field and '' for a quoted "", so COPY writes each back as it was read.
    return f"""
CREATE TEMP TABLE t AS
SELECT tid, cid, amount, make_timestamp(us) AS ts{extras},
  CASE WHEN tid = '' THEN 'transaction_id is empty'
       WHEN cid = '' THEN 'customer_id is empty'
       WHEN amount IS NULL THEN 'amount'
       WHEN {bad_us} THEN 'timestamp'
  END AS reason,
  CASE WHEN amount IS NULL THEN a END AS bad_amount,
  CASE WHEN {bad_us} THEN s END AS bad_stamp
FROM (
  SELECT tid, cid, a, s{extras},
    CASE WHEN regexp_full_match(a, '{AMOUNT_OK}') THEN TRY_CAST(replace(a, ',', '') AS DECIMAL(18, 2))
    END AS amount,
    CASE WHEN regexp_full_match(s, '{STAMP_OK}') THEN
      CASE WHEN contains(s, '-') THEN epoch_us(TRY_CAST(s AS TIMESTAMPTZ))
           WHEN length(s) <= 11 THEN CAST(s AS BIGINT) * 1000000
           ELSE CAST(s AS BIGINT) * 1000 END
    END AS us
  FROM (
    SELECT ws_trim({tid}) AS tid, ws_trim({cid}) AS cid, ws_trim({amt}) AS a,
      ws_trim({ts}) AS s{extras}
    FROM read_csv({_lit(source)}, header = true, columns = {{{types}}}, auto_detect = false,
                  delim = ',', quote = '"', escape = '"', strict_mode = true,
                  allow_quoted_nulls = false, force_not_null = [{required}])
  )
)"""


def _copy_sql(header: list[str], out_header: list[str], output: str) -> str:
    """The statement that writes the valid rows of ``t`` to ``output``."""
    computed = {"transaction_id": "tid", "customer_id": "cid", "amount": "amount"}
    computed["timestamp"] = TS_TEXT
    cols = ", ".join(
        f"{computed[o]} AS {_q(o)}" if o in computed else _q(h)
        for h, o in zip(header, out_header, strict=True)
    )
    return f"COPY (SELECT {cols} FROM t WHERE reason IS NULL) TO {_lit(output)} (HEADER, DELIMITER ',')"


def _reason(reason: str, amount: str | None, stamp: str | None) -> str:
    """The final reason of a rejected row, from its coarse reason and trimmed raw values."""
    if reason == "amount":
        if re.fullmatch(AMOUNT_OK, amount or ""):
            return "amount does not fit DECIMAL(18,2)"
        if re.fullmatch(AMOUNT_LOOSE, amount or ""):
            return "amount has more than two fractional digits"
        return "amount is not a decimal number"
    if reason == "timestamp":
        if re.fullmatch("[0-9]+", stamp or "") and not re.fullmatch(EPOCH, stamp or ""):
            return "ambiguous all-digit timestamp"
        if not re.fullmatch(STAMP_OK, stamp or ""):
            return "timestamp is not ISO 8601 or epoch"
        return "timestamp is not a valid date and time"
    return reason


def process_file(
    source: str | Path,
    output: str | Path,
    *,
    rejected: str | Path | None = None,
    source_timezone: str = "UTC",
) -> Outcome:
    """Validate and transform ``source`` into ``output`` with DuckDB on one thread."""
    if source_timezone != "UTC":
        raise NotImplementedError("the DuckDB baseline assumes UTC for timestamps without offset")
    outcome = Outcome()
    with Path(source).open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), None)
    if header is None:
        outcome.structural_error = "empty file"
        return outcome
    try:
        index, out_header = map_header(header)
    except ValueError as exc:
        outcome.structural_error = str(exc)
        return outcome
    con = duckdb.connect(config={"threads": 1, "preserve_insertion_order": True})
    con.execute("SET enable_progress_bar = false")
    con.execute("SET TimeZone = 'UTC'")
    con.execute(WS_TRIM)
    con.execute(_load_sql(str(source), header, index))
    con.execute(DUPLICATES)
    con.execute(_copy_sql(header, out_header, str(output)))
    total = con.execute("SELECT count(*) FROM t").fetchone()
    errors = con.execute(
        "SELECT rowid + 2, reason, bad_amount, bad_stamp FROM t WHERE reason IS NOT NULL ORDER BY rowid"
    ).fetchall()
    con.close()
    outcome.rows_total = int(total[0]) if total else 0
    outcome.row_errors = [RowError(int(line), _reason(r, a, s)) for line, r, a, s in errors]
    return outcome.finish(rejected)
