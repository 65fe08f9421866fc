"""Baseline: DuckDB SQL on one thread, every column read as VARCHAR, regex-validated.

Pitfalls handled: ``try_strptime`` with ``%z`` and casts accept impossible or unpadded dates,
so every shape is matched by an exact regex first and the date part is checked with
``TRY_CAST(... AS DATE)`` only after the regex guarantees ``YYYY-MM-DD``; hours, minutes and
seconds are range-checked as integers; amounts are cast to ``DECIMAL(18,2)`` only once the
regex has proven they have at most two significant fractional digits (no rounding, no floats).
"""

# SQL is built from the file header (identifiers quoted with _q) and our own paths (quotes doubled).
# ruff: noqa: S608

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from bench.baselines import Outcome, RowError, map_header

TWO_PASS = True  # measured faster and smaller than materializing a temp table
AMOUNT_RE = r"^[ \t]*([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?[ \t]*$"
ISO_RE = (
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]{1,9}))?(Z|([+-])([0-9]{2}):?([0-9]{2}))?)?$"
)


def _q(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _sql(source: str, cols: list[str], index: dict[str, int], out_header: list[str]) -> str:
    """Build the query that validates and transforms every row, keeping its line number."""
    tid, cid = _q(cols[index["transaction_id"]]), _q(cols[index["customer_id"]])
    amt, ts = _q(cols[index["amount"]]), _q(cols[index["timestamp"]])
    src = source.replace("'", "''")
    types = ", ".join(f"{_q(c)}: 'VARCHAR'" for c in cols)
    outs = []
    for i, c in enumerate(cols):
        if i == index["amount"]:
            outs.append(f"CAST(amount_dec AS VARCHAR) AS {_q(out_header[i])}")
        elif i == index["timestamp"]:
            outs.append(f"ts_text AS {_q(out_header[i])}")
        else:
            outs.append(f"{_q(c)} AS {_q(out_header[i])}")
    return f"""
WITH src AS (
  SELECT row_number() OVER () + 1 AS line,
    * REPLACE (coalesce({tid}, '') AS {tid}, coalesce({cid}, '') AS {cid},
               coalesce({amt}, '') AS {amt}, coalesce({ts}, '') AS {ts})
  FROM read_csv('{src}', header = true, columns = {{{types}}},
                auto_detect = false, quote = '"', escape = '"', delim = ',',
                null_padding = false, strict_mode = true)
),
firsts AS (
  SELECT trim({tid}) AS k, min(line) AS first_line FROM src WHERE trim({tid}) <> '' GROUP BY 1
),
parsed AS (
  SELECT s.*,
    regexp_extract({amt}, '{AMOUNT_RE}', ['sign', 'whole', 'frac']) AS a,
    regexp_extract({ts}, '{ISO_RE}', ['d', 'h', 'mi', 's', 'f', 'off', 'osign', 'oh', 'om']) AS t,
    regexp_full_match({ts}, '[0-9]{{9,11}}') AS is_s,
    regexp_full_match({ts}, '[0-9]{{12,14}}') AS is_ms,
    regexp_full_match({ts}, '[0-9]+') AS is_digits,
    f.first_line
  FROM src s LEFT JOIN firsts f ON trim(s.{tid}) = f.k
),
checked AS (
  SELECT *,
    rtrim(a.frac, '0') AS frac_sig,
    ltrim(replace(a.whole, ',', ''), '0') AS whole_sig,
    TRY_CAST(t.d AS DATE) AS d_date,
    CASE WHEN t.h = '' THEN 0 ELSE CAST(t.h AS INTEGER) END AS hh,
    CASE WHEN t.mi = '' THEN 0 ELSE CAST(t.mi AS INTEGER) END AS mm,
    CASE WHEN t.s = '' THEN 0 ELSE CAST(t.s AS INTEGER) END AS ss,
    CASE WHEN t.oh = '' THEN 0 ELSE CAST(t.oh AS INTEGER) END AS ofh,
    CASE WHEN t.om = '' THEN 0 ELSE CAST(t.om AS INTEGER) END AS ofm
  FROM parsed
),
judged AS (
  SELECT *,
    CASE
      WHEN trim({tid}) = '' THEN 'transaction_id is empty'
      WHEN line > first_line THEN 'transaction_id is duplicated'
      WHEN trim({cid}) = '' THEN 'customer_id is empty'
      WHEN a.whole = '' THEN 'amount is not a decimal number'
      WHEN length(frac_sig) > 2 THEN 'amount has more than two fractional digits'
      WHEN length(whole_sig) > 16 THEN 'amount does not fit DECIMAL(18,2)'
      WHEN is_digits AND NOT is_s AND NOT is_ms THEN 'ambiguous all-digit timestamp'
      WHEN NOT is_digits AND t.d = '' THEN 'timestamp is not ISO 8601 or epoch'
      WHEN NOT is_digits AND (d_date IS NULL OR hh > 23 OR mm > 59 OR ss > 59 OR ofh > 23 OR ofm > 59)
        THEN 'timestamp is not a valid date and time'
      ELSE NULL
    END AS reason
  FROM checked
),
final AS (
  SELECT *,
    CASE WHEN reason IS NULL THEN
      CAST(CASE WHEN a.sign = '-' THEN '-' ELSE '' END || coalesce(nullif(whole_sig, ''), '0')
           || '.' || coalesce(nullif(frac_sig, ''), '0') AS DECIMAL(18, 2))
    END AS amount_dec,
    CASE WHEN reason IS NULL THEN
      CASE
        WHEN is_s THEN CAST({ts} AS BIGINT) * 1000000
        WHEN is_ms THEN CAST({ts} AS BIGINT) * 1000
        ELSE epoch_us(CAST(d_date AS TIMESTAMP))
             + ((hh * 60 + mm) * 60 + ss) * 1000000::BIGINT
             + CASE WHEN t.f = '' THEN 0 ELSE CAST(rpad(left(t.f, 6), 6, '0') AS BIGINT) END
             - CASE WHEN t.osign = '-' THEN -1 ELSE 1 END * (ofh * 60 + ofm) * 60000000::BIGINT
      END
    END AS us
  FROM judged
),
formatted AS (
  SELECT *,
    strftime(make_timestamp(us), '%Y-%m-%dT%H:%M:%S')
      || CASE WHEN us % 1000000 = 0 THEN '' ELSE '.' || lpad(CAST(us % 1000000 AS VARCHAR), 6, '0') END
      || 'Z' AS ts_text
  FROM final
)
SELECT line, reason, {", ".join(outs)} FROM formatted
"""


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
    query = _sql(str(source), header, index, out_header)
    cols = ", ".join(_q(c) for c in out_header)
    out = str(output).replace("'", "''")
    if TWO_PASS:
        # Stream the valid rows straight to the output, then read again for the rejected ones.
        con.execute(
            f"COPY (SELECT {cols} FROM ({query}) WHERE reason IS NULL) TO '{out}' (HEADER, DELIMITER ',')"
        )
        errors = con.execute(
            f"SELECT line, reason FROM ({query}) WHERE reason IS NOT NULL ORDER BY line"
        ).fetchall()
        total = con.execute(f"SELECT max(line) - 1 FROM ({query})").fetchone()
    else:
        con.execute(f"CREATE TEMP TABLE result AS {query}")
        con.execute(
            f"COPY (SELECT {cols} FROM result WHERE reason IS NULL ORDER BY line) TO '{out}' (HEADER, DELIMITER ',')"
        )
        total = con.execute("SELECT count(*) FROM result").fetchone()
        errors = con.execute(
            "SELECT line, reason FROM result WHERE reason IS NOT NULL ORDER BY line"
        ).fetchall()
    outcome.rows_total = int(total[0] or 0) if total else 0
    con.close()
    outcome.row_errors = [RowError(int(line), str(reason)) for line, reason in errors]
    outcome.rows_rejected = len(outcome.row_errors)
    outcome.rows_valid = outcome.rows_total - outcome.rows_rejected
    if outcome.rows_total == 0:
        outcome.structural_error = "no data rows"
    if rejected is not None:
        with Path(rejected).open("w", encoding="utf-8", newline="") as frej:
            w = csv.writer(frej, lineterminator="\n")
            w.writerow(["line", "reason"])
            w.writerows((e.line, e.reason) for e in outcome.row_errors)
    return outcome
