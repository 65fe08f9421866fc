"""The core's cost by stage, one thread: ``python -m bench.profile [--rows N] [--variant V]``.

Each stage of ``functions.core.process_file`` runs on its own, on the whole file held in
memory (the core itself streams it in batches), and is timed alone:

- ``structure``: the file-level checks (``structure.read_layout``), one pass over the bytes;
- ``read``: polars' CSV parse of every field as text (``scan.scan``);
- ``ids``: the trimmed transaction and customer ids;
- ``amounts`` / ``timestamps``: each rule's normalized value (``rules.amount``,
  ``rules.timestamp``), the timestamp as its instant (the output's writer formats it);
- ``duplicates``: the repeated ids: the keys of the trimmed ids, then the set of the ids
  read so far (functions.core.duplicates), batch by batch as the main pass goes;
- ``reasons+lines``: the rejected rows' reasons and line numbers, and the rejected-rows file;
- ``write``: the valid rows, written as the output (the timestamps formatted on the way).

Then ``process_file`` itself, as the benchmark runs it (tolerance 1, or strict with
``--strict``). The stages add up to more than the call: the streaming engine overlaps the
read with the rules and skips what the call does not need. The process re-executes itself
with one thread (``POLARS_MAX_THREADS=1`` and the other thread variables of bench.measure)
unless it already runs so.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.generate import generate
from bench.measure import THREAD_VARS, thread_env


def _one_thread() -> None:
    """Re-execute this process with the one-thread environment unless it has it already."""
    if all(os.environ.get(v) == "1" for v in THREAD_VARS):
        return
    os.execve(  # noqa: S606 - the same interpreter, the same module
        sys.executable, [sys.executable, "-m", "bench.profile", *sys.argv[1:]], thread_env()
    )


def _timed(name: str, work: Callable[[], Any], times: dict[str, float]) -> Any:
    """Run `work`, keeping its CPU seconds (this process's, every thread): on a shared
    machine they move far less than wall time."""
    t0 = time.process_time()
    result = work()
    times[name] = time.process_time() - t0
    return result


def stages(source: Path, strict: bool) -> dict[str, float]:
    """Seconds per stage (see the module docstring), then ``process_file`` as a whole."""
    import polars as pl

    from functions.core import CoreConfig, duplicates, process_file, rules
    from functions.core.output import Output
    from functions.core.rejected import RejectedRows, row_errors
    from functions.core.rules import amount, ids, timestamp
    from functions.core.rules.stages import apply_stages
    from functions.core.scan import BATCH_ROWS, IDX, required_columns, scan
    from functions.core.structure import read_layout

    config = CoreConfig(max_invalid_row_ratio=Decimal(0) if strict else Decimal(1))
    times: dict[str, float] = {}
    layout = _timed("structure", lambda: read_layout(source), times)
    header = layout.header
    req = required_columns(header)
    frame = _timed("read", lambda: scan(source, header).collect(engine="streaming"), times)

    def rule(*stage_lists: Any) -> Callable[[], pl.DataFrame]:
        return lambda: apply_stages(frame.lazy(), *stage_lists).collect(engine="streaming")

    tz = config.source_timezone
    dup = pl.lit(False)
    _timed("ids", rule(ids.stages(req["transaction_id"], req["customer_id"], dup)), times)
    _timed("amounts", rule(amount.stages(req["amount"], rules.AMOUNT)), times)
    stamps = timestamp.stages(req["timestamp"], rules.TIMESTAMP, tz, as_text=False)
    _timed("timestamps", rule(stamps), times)

    def find_repeats() -> pl.Series:
        with duplicates.Repeats(layout.records) as repeats:
            tid = rules.trimmed(pl.col(req["transaction_id"])).alias(rules.TID)
            keys = frame.lazy().select(tid).select(repeats.key_columns(rules.TID)).collect()
            found = []
            for start in range(0, keys.height, BATCH_ROWS):
                part = keys.slice(start, BATCH_ROWS)
                found.append(repeats.add(part[duplicates.HIGH], part[duplicates.LOW]) + start)
        return pl.concat(found)

    repeated = _timed("duplicates", find_repeats, times)
    rows = rules.normalized(
        frame.lazy(), req, tz, duplicate=pl.col(IDX).is_in(repeated.implode()), as_text=False
    ).collect(engine="streaming")
    valid = rows.filter(pl.col(rules.VALID))
    with tempfile.TemporaryDirectory(dir=source.parent) as scratch:
        folder = Path(scratch)
        rejected = RejectedRows(folder, header)
        bad = rows.filter(~pl.col(rules.VALID))

        def explain() -> None:
            if bad.height:
                rejected.add(bad)
                row_errors(source, layout, tz, rejected, folder / "rejected.csv")

        _timed("reasons+lines", explain, times)

        def write() -> None:
            with Output(folder / "out.tmp", folder / "out.csv", header) as out:
                out.write(valid)
                out.commit()

        _timed("write", write, times)
        call = lambda: process_file(  # noqa: E731
            source, folder / "ours.csv", config=config, rejected=folder / "ours.rejected.csv"
        )
        outcome = _timed("process_file", call, times)
    print(f"rows {outcome.rows_total}, rejected {outcome.rows_rejected}", file=sys.stderr)
    return times


def table(source: Path, times: dict[str, float]) -> str:
    """The stage times as a Markdown table, with each stage's share of their sum."""
    parts = {k: v for k, v in times.items() if k != "process_file"}
    total = sum(parts.values())
    lines = [f"{source.name}, one thread", "", "| stage | CPU s | share |", "|---|---:|---:|"]
    lines += [f"| {k} | {v:.3f} | {v / total:.0%} |" for k, v in parts.items()]
    lines.append(f"| sum of the stages | {total:.3f} | |")
    lines.append(f"| process_file | {times['process_file']:.3f} | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point: profile a generated file (or ``--file``)."""
    parser = argparse.ArgumentParser(description="The core's time per stage, one thread.")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--variant", choices=("dirty", "clean"), default="dirty")
    parser.add_argument("--file", type=Path, help="profile this CSV instead of a generated one")
    parser.add_argument("--strict", action="store_true", help="process_file in strict mode")
    args = parser.parse_args(argv)
    _one_thread()
    source = args.file or generate(args.rows, args.variant)
    print(table(source, stages(source, args.strict)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
