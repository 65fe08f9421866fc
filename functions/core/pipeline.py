"""validate_file / process_file: streaming polars passes over the file.

Duplicate transaction ids need the whole file: their state is (row index, 128-bit hash of
the id) per row, 21 bytes a row, the only state that grows with the file.

- Strict mode (no invalid row tolerated): one pass. It emits the id hashes along with its
  batches and duplicates are decided after it: none (the usual case) leaves the output
  final; any fails the file, so only the counts and the first row errors are completed.
- Tolerant mode: a narrow first pass hashes the ids to find the duplicate rows, so the
  main pass knows them (its output is kept even when there are duplicates).

The main pass computes, per row, the normalized required columns and a validity flag;
its batches go to the output (valid rows, transformed) and to small Arrow files
(rejected rows, raw) while counts accumulate.
Reasons and line numbers are then derived from the rejected rows only, and the output is
renamed into place only when the file is accepted.
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
from typing import cast

import polars as pl

from functions.core import rules
from functions.core.config import CoreConfig
from functions.core.outcome import MAX_REPORTED_ROW_ERRORS, Outcome, RowError
from functions.core.structure import (
    Header,
    StructuralError,
    check_not_empty,
    find_structural_error,
    may_have_short_rows,
    read_header,
    record_lines,
    records_are_single_lines,
    utf8_error_message,
)

_IDX = "__idx"
_DUP = "__dup"
_LINE = "__line"
_REASON = "__reason"
_BATCH_ROWS = 20_000
# rows per distinct-key hash table when looking for repeated transaction ids
_DEDUP_PARTITION_ROWS = 2_000_000


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

    # next to the output, so that the final rename stays on one file system
    scratch = Path(tempfile.mkdtemp(prefix=".core-", dir=output.parent if output else None))
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
    # strict: duplicates are decided after the main pass, from the id keys it emits
    strict = not config.max_invalid_row_ratio
    duplicates = pl.Series(_IDX, [], pl.UInt32)
    if not strict:
        try:
            duplicates = _duplicate_rows(source, header)
        except pl.exceptions.PolarsError as exc:
            return _structural_from(exc, source, header)
    lf = lf.with_columns(
        rules.trimmed(pl.col(req["transaction_id"])).alias("__tid"),
        rules.trimmed(pl.col(req["customer_id"])).alias("__cid"),
        (pl.col(_IDX).is_in(duplicates.implode()) if len(duplicates) else pl.lit(False)).alias(
            _DUP
        ),
    )
    lf = rules.apply_stages(
        lf,
        rules.amount_stages(req["amount"], "__amount"),
        rules.timestamp_stages(req["timestamp"], "__ts", zone, as_text=output is not None),
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
    replaced = {
        req["transaction_id"]: "__tid",
        req["customer_id"]: "__cid",
        req["amount"]: "__amount",
        req["timestamp"]: "__ts",
    }
    raw = [_col(i) for i in range(width)]
    stream = lf.select(
        _IDX,
        "__valid",
        _DUP,
        *raw,
        *replaced.values(),
        _trailing_nulls(raw).alias("__trailing"),
        *(_id_key("__tid") if strict else []),
    )
    out_columns = [pl.col(replaced.get(c, c)).alias(c) for c in raw]
    out_tmp = scratch / "output.csv"
    if output is not None:
        out_names = []
        for i, name in enumerate(header.names):
            canonical = next((k for k, v in header.required.items() if v == i), None)
            out_names.append(canonical or name)
        out_tmp.write_bytes(_header_line(out_names))
    rejected_parts: list[Path] = []
    key_parts: list[pl.DataFrame] = []
    stats = {"total": 0, "rejected": 0, "trailing": 0, "max_trailing": 0}
    try:
        with contextlib.ExitStack() as stack:
            handle = stack.enter_context(out_tmp.open("ab")) if output is not None else None
            for batch in stream.collect_batches(chunk_size=_BATCH_ROWS, engine="streaming"):
                is_valid = batch["__valid"]
                n_bad = batch.height - int(is_valid.sum())
                stats["total"] += batch.height
                stats["rejected"] += n_bad
                trailing = batch["__trailing"]
                stats["trailing"] += int(trailing.sum())
                stats["max_trailing"] = max(stats["max_trailing"], cast(int, trailing.max() or 0))
                if strict:
                    key_parts.append(
                        batch.select(_IDX, "__key", "__part").filter(pl.col("__key").is_not_null())
                    )
                if handle is not None and stats["rejected"] and not config.max_invalid_row_ratio:
                    handle = None  # strict and already failed: no output will be kept
                if handle is not None and n_bad < batch.height:
                    batch.filter(is_valid).select(out_columns).write_csv(
                        handle, include_header=False
                    )
                if n_bad:
                    part = scratch / f"rejected-{len(rejected_parts):06d}.arrow"
                    batch.filter(~is_valid).select(_IDX, *raw, _DUP).write_ipc(part)
                    rejected_parts.append(part)
    except pl.exceptions.PolarsError as exc:
        return _structural_from(exc, source, header)
    total, n_rejected = stats["total"], stats["rejected"]
    # polars pads short rows with nulls: only rows ending in null fields can be short ones
    if stats["trailing"] and may_have_short_rows(
        source, header, total, stats["trailing"], stats["max_trailing"]
    ):
        message = find_structural_error(source, header)
        if message is not None:
            return _structural(message)
    if total == 0:
        return _structural("the file has a header but no data rows")
    if key_parts:
        keys = pl.concat(key_parts)
        key_parts.clear()
        duplicates = _repeats(keys)
        del keys
        if len(duplicates):
            # strict: the file fails; count the duplicates and gather the first rejected rows
            n_rejected, rejected_parts = _add_duplicates(
                source, header, scratch, rejected_parts, duplicates, n_rejected
            )
    n_valid = total - n_rejected
    ok = n_valid >= 1 and Decimal(n_rejected) <= config.max_invalid_row_ratio * total
    errors: tuple[RowError, ...] = ()
    if n_rejected:
        errors = _row_errors(
            source,
            header,
            config,
            rejected_parts,
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


def _trailing_nulls(columns: list[str]) -> pl.Expr:
    """Number of null (unquoted empty or padded) fields at the end of each row."""
    run = pl.lit(True)
    count: pl.Expr = pl.lit(0, pl.Int32)
    for name in reversed(columns):
        run = run & pl.col(name).is_null()
        count = count + run.cast(pl.Int32)
    return count


def _key_columns(tid_column: str) -> list[pl.Expr]:
    """`__key`: 128-bit hash of the trimmed id; `__part`: its low byte (see `_repeats`).

    Two independent 64-bit hashes make a false match (two different ids with equal keys) a
    ~n^2/2^129 event.
    """
    tid = pl.col(tid_column)
    low = tid.hash(0x5EED_0002)
    key = tid.hash(0x5EED_0001).cast(pl.UInt128) * pl.lit(2**64, pl.UInt128) + low.cast(pl.UInt128)
    return [key.alias("__key"), (low % 256).cast(pl.UInt8).alias("__part")]


def _id_key(tid_column: str) -> list[pl.Expr]:
    """`_key_columns`, null where the id is empty."""
    present = pl.col(tid_column) != ""
    return [pl.when(present).then(e).alias(e.meta.output_name()) for e in _key_columns(tid_column)]


def _duplicate_rows(source: Path, header: Header) -> pl.Series:
    """Indexes of the rows whose trimmed transaction_id repeats an earlier row's.

    A first, narrow streaming pass keeps only (row index, key, partition) per row: 21 bytes
    a row is the only state that grows with the file.
    """
    keys = (
        _scan(source, header)
        .select(_IDX, rules.trimmed(pl.col(_col(header.required["transaction_id"]))).alias("__tid"))
        .filter(pl.col("__tid") != "")
        .select(_IDX, *_key_columns("__tid"))
        .collect(engine="streaming")
    )
    return _repeats(keys, distinct_check=False)


def _repeats(keys: pl.DataFrame, *, distinct_check: bool = True) -> pl.Series:
    """Sorted `_IDX` of the rows (in `_IDX` order) whose `__key` an earlier row has.

    The distinct-key hash table is built one partition at a time (equal keys share a
    partition) once there are more than 3 * _DEDUP_PARTITION_ROWS keys, so the table stays
    about that size instead of growing with the file.
    """
    # below a few partitions' worth, one table costs less than the partition copies
    parts = min(256, -(-keys.height // _DEDUP_PARTITION_ROWS))
    if parts <= 3:
        return _first_repeats(keys, distinct_check)
    repeats = [
        _first_repeats(keys.filter(pl.col("__part") % parts == p), distinct_check)
        for p in range(parts)
    ]
    return pl.concat(repeats).sort()


def _first_repeats(keys: pl.DataFrame, distinct_check: bool = True) -> pl.Series:
    """`_IDX` of the rows whose `__key` an earlier row of `keys` has."""
    # counting distinct low halves is ~6x cheaper than is_first_distinct's hash table: when
    # they all differ, so do the keys (the usual case) and there is no repeat to locate
    if distinct_check and keys["__key"].cast(pl.UInt64, wrap_numerical=True).n_unique() == (
        keys.height
    ):
        return keys[_IDX].clear()
    return keys.filter(~pl.col("__key").is_first_distinct())[_IDX]


def _add_duplicates(
    source: Path,
    header: Header,
    scratch: Path,
    rejected_ipc: list[Path],
    duplicates: pl.Series,
    n_rejected: int,
) -> tuple[int, list[Path]]:
    """Strict mode, duplicates found after the pass: the rejected count including them, and
    one Arrow file holding the first MAX_REPORTED_ROW_ERRORS rejected rows, `_DUP` set.

    A duplicate row that was otherwise valid is not among the rejected rows: the few needed
    for the report are read again from the start of the file (up to the last one only).
    """
    raw = [_col(i) for i in range(len(header.names))]
    invalid = (
        pl.scan_ipc(rejected_ipc).select(_IDX).collect()[_IDX]
        if rejected_ipc
        else duplicates.clear()
    )
    only_dup = duplicates.filter(~duplicates.is_in(invalid.implode()))
    first = (
        pl.concat([invalid.head(MAX_REPORTED_ROW_ERRORS), duplicates.head(MAX_REPORTED_ROW_ERRORS)])
        .unique()
        .sort()
        .head(MAX_REPORTED_ROW_ERRORS)
    )
    frames = []
    if rejected_ipc:
        frames.append(
            pl.scan_ipc(rejected_ipc)
            .filter(pl.col(_IDX).is_in(first.implode()))
            .select(_IDX, *raw)
            .collect()
        )
    fetch = first.filter(first.is_in(only_dup.implode()))
    if len(fetch):
        frames.append(
            _scan(source, header)
            .head(cast(int, fetch.max()) + 1)
            .filter(pl.col(_IDX).is_in(fetch.implode()))
            .select(_IDX, *raw)
            .collect(engine="streaming")
        )
    rows = (
        pl.concat(frames)
        .sort(_IDX)
        .with_columns(pl.col(_IDX).is_in(duplicates.implode()).alias(_DUP))
    )
    part = scratch / "rejected-first.arrow"
    rows.write_ipc(part)
    return n_rejected + len(only_dup), [part]


def _structural_from(exc: Exception, source: Path, header: Header) -> Outcome:
    """Outcome for a polars reader error, or re-raise when it is not about the file."""
    message = find_structural_error(source, header) or _polars_structural(exc, source)
    if message is None:
        raise exc
    return _structural(message)


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
    rejected_ipc: list[Path],
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
    rejected_ipc: list[Path],
    total: int,
    write_to: Path | None,
) -> tuple[RowError, ...]:
    head = (
        _reasons_frame(rejected_ipc, header, config, MAX_REPORTED_ROW_ERRORS)
        .select(_IDX, _REASON)
        .collect()
    )
    first = header.lines + 1
    if records_are_single_lines(source, header, total):
        lines: dict[int, int] | None = None
        line = (pl.col(_IDX).cast(pl.Int64) + first).alias(_LINE)
    else:
        # quoted newlines shift line numbers: map the needed records with a csv-module scan
        needed = head if write_to is None else pl.scan_ipc(rejected_ipc).select(_IDX).collect()
        indexes = needed[_IDX].to_list()
        lines = record_lines(source, indexes)
        line = pl.col(_IDX).replace_strict(lines, return_dtype=pl.Int64).alias(_LINE)
    errors = tuple(
        RowError(line=lines[i] if lines is not None else i + first, reason=r)
        for i, r in zip(head[_IDX].to_list(), head[_REASON].to_list(), strict=True)
    )
    if write_to is not None:
        frame = _reasons_frame(rejected_ipc, header, config, None).select(
            *[_col(i) for i in range(len(header.names))], line, _REASON
        )
        with _temp_path(write_to, ".tmp") as tmp:
            tmp.write_bytes(_header_line([*header.names, "line", "reason"]))
            with tmp.open("ab") as handle:
                frame.sink_csv(handle, include_header=False, engine="streaming")
            tmp.replace(write_to)
    return errors
