"""validate_file / process_file: the passes over one file, composed.

1. The structure pass (structure.py): header, syntax, field counts, encoding, in one
   streaming pass; a broken file ends here with its structural error.
2. The main pass, one streaming pass over the scan (scan.py): the row rules (rules/) give
   each row its normalized required fields and a validity flag, and each batch's repeated
   transaction_ids are flagged against the ids of the rows before it (duplicates.py); valid
   rows go to the output (output.py), rejected ones, raw, to small Arrow files
   (rejected.py), counts accumulate.
3. After it: the decision (CoreConfig.accepts), the row errors and rejected-rows file
   (rejected.py, lines.py); the output is renamed into place only when the file is accepted.

polars' CSV reader reads the file once; the structure pass (and, for rejected rows of a file
whose records span lines, the line numbering) reads its bytes, never its fields.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from functions.core import duplicates, rules
from functions.core.config import CoreConfig
from functions.core.outcome import Outcome, RowError
from functions.core.output import Output
from functions.core.rejected import RejectedRows, row_errors
from functions.core.scan import IDX, batches, raw_columns, required_columns, scan
from functions.core.structure import Header, Layout, StructuralError, read_layout


class CoreError(RuntimeError):
    """Not a problem of the file but of the core: polars failed, or read another number of
    rows than the structure pass found. Its message is the core's own, never polars' (which
    is kept as the cause, for the logs)."""


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


@dataclass
class _MainPass:
    """What the main pass leaves: counts and the rejected rows."""

    rejected: RejectedRows
    total: int = 0
    n_rejected: int = 0

    def count(self, batch: pl.DataFrame, n_bad: int) -> None:
        self.total += batch.height
        self.n_rejected += n_bad


def _structural(message: str) -> Outcome:
    return Outcome(ok=False, rows_total=0, rows_valid=0, rows_rejected=0, structural_error=message)


def _run(
    source: Path, output: Path | None, *, config: CoreConfig, rejected: str | Path | None
) -> Outcome:
    try:
        layout = read_layout(source)
    except StructuralError as exc:
        return _structural(str(exc))
    except pl.exceptions.PolarsError as exc:
        raise CoreError("polars failed in the structure checks (an internal error)") from exc

    # next to the output, so that the final rename stays on one file system
    scratch = Path(tempfile.mkdtemp(prefix=".core-", dir=output.parent if output else None))
    try:
        return _run_checked(source, output, layout, config, scratch, rejected)
    except pl.exceptions.PolarsError as exc:
        raise CoreError(
            "polars failed on a file that passed the structure checks (an internal error)"
        ) from exc
    finally:
        for child in scratch.iterdir():
            child.unlink(missing_ok=True)
        scratch.rmdir()


def _run_checked(
    source: Path,
    output: Path | None,
    layout: Layout,
    config: CoreConfig,
    scratch: Path,
    rejected: str | Path | None,
) -> Outcome:
    header = layout.header
    out = Output(scratch / "output.csv", output, header) if output is not None else None
    with out or contextlib.nullcontext():
        passed = _main_pass(source, layout, config, out, RejectedRows(scratch, header))
    if passed.total != layout.records:
        raise CoreError(
            f"the CSV reader read {passed.total} rows where the structure checks found "
            f"{layout.records} records"
        )
    n_rejected = passed.n_rejected
    ok = config.accepts(passed.total, n_rejected)
    errors: tuple[RowError, ...] = ()
    if n_rejected:
        write_to = Path(rejected) if ok and rejected is not None else None
        errors = row_errors(source, layout, config.source_timezone, passed.rejected, write_to)
    total = None
    if ok and out is not None:
        out.commit()
        total = out.amount_total
    return Outcome(
        ok=ok,
        rows_total=passed.total,
        rows_valid=passed.total - n_rejected,
        rows_rejected=n_rejected,
        structural_error=None,
        row_errors=errors,
        amount_total=total,
    )


def _main_pass(
    source: Path, layout: Layout, config: CoreConfig, out: Output | None, rejected: RejectedRows
) -> _MainPass:
    """The main pass; polars raises on a broken file."""
    passed = _MainPass(rejected)
    with duplicates.Repeats(layout.records) as repeats:
        stream = _rows(source, layout.header, config, repeats)
        for scanned in batches(stream):
            batch = repeats.flag(scanned)
            is_valid = batch[rules.VALID]
            n_bad = batch.height - int(is_valid.sum())
            passed.count(batch, n_bad)
            if config.strict and passed.n_rejected:
                out = None  # strict and already failed: no output will be kept
            if out is not None and n_bad < batch.height:
                out.write(batch, is_valid if n_bad else None)
            if n_bad:
                rejected.add(batch, ~is_valid)
    return passed


def _rows(
    source: Path,
    header: Header,
    config: CoreConfig,
    repeats: duplicates.Repeats,
) -> pl.LazyFrame:
    """The scanned rows through the rules, narrowed to the columns the main pass uses, with
    the keys of their ids for `repeats`; the timestamp as the instant, which the output's
    writer formats (output.py)."""
    rows = rules.normalized(
        scan(source, header),
        required_columns(header),
        config.source_timezone,
        duplicate=pl.lit(False),  # known per batch, after the rules: Repeats.flag
        as_text=False,
    )
    raw = raw_columns(header)
    return rows.select(
        IDX,
        rules.VALID,
        rules.DUPLICATE,
        *raw,
        rules.TID,
        rules.CID,
        rules.AMOUNT,
        rules.TIMESTAMP,
        *repeats.key_columns(rules.TID),
    )
