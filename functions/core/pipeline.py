"""validate_file / process_file: one streaming polars pass over the file.

The pass computes, per row, the normalized required columns and a validity flag, and
sinks at the same time (a) the transformed valid rows, (b) the raw rejected rows with their
record index, and (c) counts. Reasons and line numbers are then derived from the (small)
rejected set only.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import polars as pl

from functions.core import rules
from functions.core.config import CoreConfig
from functions.core.outcome import MAX_REPORTED_ROW_ERRORS, Outcome, RowError
from functions.core.structure import (
    Header,
    StructuralError,
    check_not_empty,
    find_structural_error,
    has_short_rows,
    line_mapper,
    read_header,
    utf8_error_message,
)

_IDX = "__idx"
_DUP = "__dup"
_LINE = "__line"
_REASON = "__reason"


def validate_file(
    source: str | Path, *, config: CoreConfig, rejected: str | Path | None = None
) -> Outcome:
    """Validate a CSV file; write rejected rows to `rejected` when the file is accepted."""
    return _run(Path(source), None, config=config, rejected=rejected)


def process_file(
    source: str | Path,
    output: str | Path,
    *,
    config: CoreConfig,
    rejected: str | Path | None = None,
) -> Outcome:
    """Validate and transform; `output` is written (atomically) only when the file is ok."""
    return _run(Path(source), Path(output), config=config, rejected=rejected)


def _col(i: int) -> str:
    return f"c{i}"


def _structural(message: str) -> Outcome:
    return Outcome(ok=False, rows_total=0, rows_valid=0, rows_rejected=0, structural_error=message)


@contextlib.contextmanager
def _temp_path(near: Path, suffix: str) -> Iterator[Path]:
    fd, name = tempfile.mkstemp(prefix=f".{near.name}.", suffix=suffix, dir=near.parent)
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _header_line(names: list[str]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(names)
    return buf.getvalue().encode()


def _run(
    source: Path, output: Path | None, *, config: CoreConfig, rejected: str | Path | None
) -> Outcome:
    try:
        check_not_empty(source)
        header = read_header(source)
    except StructuralError as exc:
        return _structural(str(exc))

    scratch = Path(tempfile.mkdtemp(prefix="core-", dir=(output or source).parent))
    try:
        return _run_checked(source, output, header, config, scratch, rejected)
    finally:
        for child in scratch.iterdir():
            child.unlink(missing_ok=True)
        scratch.rmdir()


def _scan(source: Path, header: Header) -> pl.LazyFrame:
    return pl.scan_csv(
        source,
        has_header=True,
        new_columns=[_col(i) for i in range(len(header.names))],
        infer_schema=False,
        # unquoted empty fields (and fields of padded short rows) are null: written back
        # as empty, while a quoted "" stays an empty string, written back as ""
        empty_string_is_null=True,
        truncate_ragged_lines=False,
        encoding="utf8",
        raise_if_empty=False,
    ).with_row_index(_IDX)


def _run_checked(
    source: Path,
    output: Path | None,
    header: Header,
    config: CoreConfig,
    scratch: Path,
    rejected: str | Path | None,
) -> Outcome:
    req = {name: _col(i) for name, i in header.required.items()}
    zone = config.source_timezone
    lf = _scan(source, header)
    tid = rules.trimmed(pl.col(req["transaction_id"]))
    lf = lf.with_columns(
        tid.alias("__tid"), rules.trimmed(pl.col(req["customer_id"])).alias("__cid")
    )
    lf = lf.with_columns(
        ((pl.col("__tid") != "") & ~pl.col("__tid").is_first_distinct()).alias(_DUP)
    )
    lf = rules.apply_stages(
        lf,
        rules.amount_stages(req["amount"], "__amount"),
        rules.timestamp_stages(req["timestamp"], "__ts", zone),
    )
    valid = (
        (pl.col("__tid") != "")
        & (pl.col("__cid") != "")
        & pl.col("__amount").is_not_null()
        & pl.col("__ts").is_not_null()
        & ~pl.col(_DUP)
    )
    lf = lf.with_columns(valid.alias("__valid"))
    width = len(header.names)
    last = _col(width - 1)
    replaced = {
        req["transaction_id"]: "__tid",
        req["customer_id"]: "__cid",
        req["amount"]: "__amount",
        req["timestamp"]: "__ts",
    }
    rejected_ipc = scratch / "rejected.arrow"
    queries = [
        lf.filter(~pl.col("__valid"))
        .select(_IDX, *[_col(i) for i in range(width)], _DUP)
        .sink_ipc(rejected_ipc, lazy=True),
        lf.select(
            pl.len().alias("total"),
            (~pl.col("__valid")).sum().alias("rejected"),
            (pl.col(last).is_null() | (pl.col(last) == "")).sum().alias("suspect"),
            pl.sum_horizontal(
                [pl.col(_col(i)).str.count_matches(",", literal=True) for i in range(width)]
            )
            .sum()
            .alias("value_commas"),
        ),
    ]
    out_tmp = scratch / "output.csv"
    if output is not None:
        out_names = []
        for i, name in enumerate(header.names):
            canonical = next((k for k, v in header.required.items() if v == i), None)
            out_names.append(canonical or name)
        out_tmp.write_bytes(_header_line(out_names))
        handle = out_tmp.open("ab")
        queries.insert(
            0,
            lf.filter(pl.col("__valid"))
            .select([pl.col(replaced.get(_col(i), _col(i))).alias(_col(i)) for i in range(width)])
            .sink_csv(handle, include_header=False, lazy=True),
        )
    else:
        handle = None
    try:
        results = pl.collect_all(queries, engine="streaming")
    except pl.exceptions.PolarsError as exc:
        message = find_structural_error(source, header) or _polars_structural(exc, source)
        if message is None:
            raise
        return _structural(message)
    finally:
        if handle is not None:
            handle.close()
    stats = results[-1].row(0, named=True)
    total, n_rejected, suspect = stats["total"], stats["rejected"], stats["suspect"]
    # Only a row whose last field is empty can be a short row that polars padded.
    if suspect and has_short_rows(source, header, total, stats["value_commas"]):
        return _structural(
            find_structural_error(source, header) or "some rows have fewer fields than the header"
        )
    if total == 0:
        return _structural("the file has a header but no data rows")
    n_valid = total - n_rejected
    ok = n_valid >= 1 and Decimal(n_rejected) <= config.max_invalid_row_ratio * total
    errors: tuple[RowError, ...] = ()
    if n_rejected:
        errors = _row_errors(
            source,
            header,
            config,
            rejected_ipc,
            total,
            write_to=(Path(rejected) if ok and rejected is not None else None),
        )
    if ok and output is not None:
        out_tmp.replace(output)
    return Outcome(
        ok=ok,
        rows_total=total,
        rows_valid=n_valid,
        rows_rejected=n_rejected,
        structural_error=None,
        row_errors=errors,
    )


def _polars_structural(exc: Exception, source: Path) -> str | None:
    """Translate a polars reader error the csv-module scan did not explain."""
    text = str(exc)
    lowered = text.lower()
    if "utf-8" in lowered or "utf8" in lowered:
        return utf8_error_message(source)
    if "malformed" in lowered or "could not parse" in lowered or "more fields" in lowered:
        return (
            "malformed CSV quoting: a '\"' inside an unquoted field or text after a closing "
            "quote (RFC 4180 requires such fields to be quoted, with '\"' doubled)"
        )
    return None


def _reasons_frame(
    rejected_ipc: Path,
    header: Header,
    config: CoreConfig,
    limit: int | None,
) -> pl.LazyFrame:
    req = {name: pl.col(_col(i)) for name, i in header.required.items()}
    zone = config.source_timezone
    lf = pl.scan_ipc(rejected_ipc)
    if limit is not None:
        lf = lf.head(limit)
    tid = rules.trimmed(req["transaction_id"])
    cid = rules.trimmed(req["customer_id"])
    lf = rules.apply_stages(
        lf,
        rules.amount_stages(_col(header.required["amount"]), "__amount"),
        rules.timestamp_stages(_col(header.required["timestamp"]), "__ts", zone),
    )
    pieces = [
        pl.when(tid == "").then(pl.lit("transaction_id is empty")),
        pl.when(pl.col(_DUP)).then(
            pl.format("transaction_id '{}' is a duplicate of an earlier row", tid.str.slice(0, 40))
        ),
        pl.when(cid == "").then(pl.lit("customer_id is empty")),
        pl.when(pl.col("__amount").is_null()).then(rules.amount_reason(req["amount"])),
        pl.when(pl.col("__ts").is_null()).then(rules.timestamp_reason(req["timestamp"], zone)),
    ]
    return lf.with_columns(pl.concat_str(pieces, separator="; ", ignore_nulls=True).alias(_REASON))


def _row_errors(
    source: Path,
    header: Header,
    config: CoreConfig,
    rejected_ipc: Path,
    total: int,
    write_to: Path | None,
) -> tuple[RowError, ...]:
    head = (
        _reasons_frame(rejected_ipc, header, config, MAX_REPORTED_ROW_ERRORS)
        .select(_IDX, _REASON)
        .collect()
    )
    indexes = head[_IDX].to_list()
    if write_to is not None:
        indexes = pl.scan_ipc(rejected_ipc).select(_IDX).collect()[_IDX].to_list()
    lines = line_mapper(source, header, total, indexes)
    errors = tuple(
        RowError(line=lines[i], reason=r)
        for i, r in zip(head[_IDX].to_list(), head[_REASON].to_list(), strict=True)
    )
    if write_to is not None:
        line_frame = pl.DataFrame(
            {_IDX: list(lines.keys()), _LINE: list(lines.values())},
            schema={_IDX: pl.UInt32, _LINE: pl.Int64},
        )
        frame = (
            _reasons_frame(rejected_ipc, header, config, None)
            .join(line_frame.lazy(), on=_IDX, how="left", maintain_order="left")
            .select(*[_col(i) for i in range(len(header.names))], _LINE, _REASON)
        )
        with _temp_path(write_to, ".tmp") as tmp:
            tmp.write_bytes(_header_line([*header.names, "line", "reason"]))
            with tmp.open("ab") as handle:
                frame.sink_csv(handle, include_header=False, engine="streaming")
            tmp.replace(write_to)
    return errors
