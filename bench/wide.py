"""Wide records, one thread: ``python -m bench.wide [--widths 100,300,1000,...] [--rows N]``.

The core's cost must be linear in the number of columns (data-contract.md §2.1: a record
pattern per width, and records cut one by one past ``syntax.MAX_PATTERN_WIDTH``). This runs
``process_file`` on files of a few rows and growing width (every seventh extra field quoted
with a comma inside, every fifth empty), each in a fresh one-thread process, and prints the
CPU seconds per width, per 1,000 fields, and the growth exponent between neighbouring widths
(1.0 is linear; the core before issue 10 was about 3). Figures are ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import ROOT, thread_env

WIDTHS = (100, 300, 1_000, 3_000, 10_000)
REQUIRED = ("Transaction_ID", "customer_id", "amount", "timestamp")


def wide_csv(width: int, rows: int) -> str:
    """A valid file of ``rows`` records of ``width`` fields (the four required ones first)."""
    extra = width - len(REQUIRED)
    header = ",".join([*REQUIRED, *(f"column_{i:05d}" for i in range(extra))])
    cells = "".join(',"a,b"' if i % 7 == 0 else ("," if i % 5 == 0 else ",v") for i in range(extra))
    body = "".join(f"t{r},c{r},{r}.5,2024-01-01T00:00:{r % 60:02d}Z{cells}\n" for r in range(rows))
    return header + "\n" + body


def exponent(w1: int, s1: float, w2: int, s2: float) -> float:
    """The k of seconds ~ width**k between two measured widths."""
    return math.log(s2 / s1) / math.log(w2 / w1)


def _child(path: str) -> None:
    """In the one-thread child: CPU seconds of ``process_file`` on ``path``, as JSON."""
    from functions.core import CoreConfig, process_file

    source = Path(path)
    t0 = time.process_time()
    outcome = process_file(source, source.with_suffix(".out"), config=CoreConfig())
    seconds = time.process_time() - t0
    print(json.dumps({"seconds": seconds, "ok": outcome.ok, "rows": outcome.rows_total}))


def measure(width: int, rows: int, runs: int, folder: Path) -> float:
    """Median CPU seconds of ``runs`` fresh processes on one file of ``width`` columns."""
    source = folder / f"wide-{width}.csv"
    source.write_text(wide_csv(width, rows))
    found = []
    for _ in range(runs):
        out = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "bench.wide", "--child", str(source)],
            cwd=ROOT,
            env=thread_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        if not result["ok"] or result["rows"] != rows:
            raise SystemExit(f"{width} columns: the core did not accept the file: {result}")
        found.append(result["seconds"])
    return statistics.median(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", default=",".join(map(str, WIDTHS)))
    parser.add_argument("--rows", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
        return 0
    widths = sorted(int(w) for w in args.widths.split(","))
    print(f"| columns | CPU s ({args.rows} rows, median of {args.runs}) | s per 1,000 fields | k |")
    print("|---:|---:|---:|---:|")
    previous: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as folder:
        for width in widths:
            seconds = measure(width, args.rows, args.runs, Path(folder))
            per_k = seconds / (width * (args.rows + 1)) * 1000
            k = f"{exponent(*previous, width, seconds):.2f}" if previous else "-"
            print(f"| {width:,} | {seconds:.3f} | {per_k:.4f} | {k} |", flush=True)
            previous = (width, seconds)
    print("k: seconds ~ columns^k from the row above (1 = linear; the fixed start-up cost of")
    print("the call pulls k below 1 at small widths).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
