"""``make bench``: our core against stdlib csv, pandas and DuckDB on the same files, one thread.

Steps: generate (or reuse) the files; run every implementation once per file in a fresh
process and check they all produce the same result (parsed values and rejected line numbers)
— on any mismatch print the first differences and stop before reporting timings; then more
interleaved rounds; report medians, MB/s, rows/s, peak RSS (the child's own VmHWM), the
ratios against ours, cold import times, the machine and the versions. Writes
``bench/results/results.md``, ``results.json`` and ``chart.png``.

Each step has its module: ``implementations`` (what runs), ``measure`` (one child process),
``verify``, ``schedule``, ``growth`` (``--big``), ``targets``, ``machine`` and ``report``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench import report
from bench.growth import big_run, growth
from bench.implementations import IMPLEMENTATIONS
from bench.machine import machine
from bench.measure import BenchFile, import_times
from bench.schedule import Samples, first_runs, timed_rounds
from bench.targets import COLD_IMPORTS, targets

RESULTS_DIR = Path(__file__).resolve().parent / "results"
IMPORT_REPEAT = 11


def _impl_names(text: str) -> list[str]:
    """The --impls value: known implementation names, comma-separated."""
    names = [i for i in text.split(",") if i]
    unknown = [i for i in names if i not in IMPLEMENTATIONS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {unknown}; known: {', '.join(IMPLEMENTATIONS)}")
    return names


def _sizes(text: str) -> list[int]:
    """A comma-separated list of row counts ('' for none)."""
    return [int(n) for n in text.split(",") if n]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line; ``--quick`` stands for 20k-row files and one run."""
    parser = argparse.ArgumentParser(
        description="Benchmark the core against csv, pandas and DuckDB."
    )
    parser.add_argument(
        "--rows", type=_sizes, default="1000000,5000000", help="comma-separated dirty file sizes"
    )
    parser.add_argument(
        "--clean-rows",
        type=_sizes,
        default="1000000,5000000",
        help="comma-separated clean file sizes ('' for none)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs per implementation and file (the verification run is the first)",
    )
    parser.add_argument(
        "--big",
        action="store_true",
        help="also 20M rows (ours only, one run) for the memory-growth check",
    )
    parser.add_argument("--big-rows", type=int, default=20_000_000, help=argparse.SUPPRESS)
    parser.add_argument(
        "--keep-big", action="store_true", help="keep the 20M-row file in bench/data/"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 20k-row files, one run")
    parser.add_argument(
        "--impls",
        type=_impl_names,
        default=",".join(IMPLEMENTATIONS),
        help="comma-separated subset of " + ",".join(IMPLEMENTATIONS),
    )
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.clean_rows, args.runs = [20_000], [20_000], 1
    return args


def bench_files(dirty: list[int], clean: list[int]) -> list[BenchFile]:
    """Generate (or reuse) every input file, dirty ones first."""
    t0 = time.perf_counter()
    files = []
    for rows, variant in [(n, "dirty") for n in dirty] + [(n, "clean") for n in clean]:
        files.append(BenchFile.generated(rows, variant))
        print(files[-1].summary, flush=True)
    print(f"generated in {time.perf_counter() - t0:.1f} s", flush=True)
    return files


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``make bench``."""
    args = parse_args(argv)
    files = bench_files(args.rows, args.clean_rows)
    samples: Samples | None = first_runs(files, args.impls)
    if samples is None:
        return 1
    timed_rounds(files, args.impls, args.runs, samples)
    big = None
    if args.big and "ours" in args.impls:
        base = max((f for f in files if f.variant == "dirty"), key=lambda f: f.rows)
        files.append(big_run(args.big_rows, args.keep_big, samples))
        big = growth(base, files[-1], samples)
    rows = report.summarize(files, samples, args.impls)
    imports = import_times(COLD_IMPORTS, IMPORT_REPEAT)
    cmd = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    res = report.Results(cmd.strip(), rows, imports, machine(), targets(rows, imports, big), big)
    print(report.write(res, args.results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
