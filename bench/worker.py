"""One benchmark measurement in a fresh process: ``python -m bench.worker IMPL SOURCE OUTPUT RESULT``.

The parent sets the thread environment before starting this process, so libraries read it at
import time. The JSON written to RESULT holds the wall time of the call alone (imports
excluded), the peak RSS of this process, the counts and, with ``--lines``, the rejected line
numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import json
import resource
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.implementations import IMPLEMENTATIONS
from contract.keys import REJECTED_ROWS_SUFFIX


def _core_runner(module: Any, strict: bool) -> Callable[[str, str, str], Any]:
    """Wrap the core's process_file: tolerance 1 (keep the valid rows) unless ``strict``."""
    ratio = Decimal(0) if strict else Decimal(1)
    config = module.CoreConfig(max_invalid_row_ratio=ratio)

    def run(source: str, output: str, rejected: str) -> Any:
        return module.process_file(source, output, config=config, rejected=rejected)

    return run


def runner(impl: str, strict: bool = False) -> Callable[[str, str, str], Any]:
    """``run(source, output, rejected) -> outcome`` for an implementation name."""
    spec = IMPLEMENTATIONS[impl]
    module = importlib.import_module(spec.module)
    if spec.core:
        return _core_runner(module, strict)

    def run(source: str, output: str, rejected: str) -> Any:
        return module.process_file(source, output, rejected=rejected)

    return run


def one_arrow_thread() -> None:
    """Pin pyarrow's CPU and I/O pools to one thread, if the implementation's import loaded it.

    Any implementation on pyarrow (pandas' pyarrow engine and Arrow-backed dtypes, a pyarrow
    variant) gets it, whatever its name; the others never pay for importing pyarrow.
    """
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.set_cpu_count(1)
        pa.set_io_thread_count(1)


def rejected_lines(outcome: Any, rejected: str) -> list[int]:
    """Line numbers of every rejected row: from the outcome, else from the rejected file."""
    lines = sorted({int(e.line) for e in getattr(outcome, "row_errors", [])})
    if len(lines) >= int(getattr(outcome, "rows_rejected", 0) or 0):
        return lines
    with Path(rejected).open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader)]
        col = header.index("line")
        return sorted({int(row[col]) for row in reader})


def peak_rss_mib() -> float:
    """This process's peak resident set size in MiB.

    ``/proc/self/status`` VmHWM belongs to the process's own address space, whereas
    ``ru_maxrss`` (also as seen by the parent's ``wait4``) inherits the parent's peak across
    fork + exec on Linux and so over-reports for a big parent.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run one implementation once and write its measurement as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("impl", choices=sorted(IMPLEMENTATIONS))
    parser.add_argument("source")
    parser.add_argument("output")
    parser.add_argument("result")
    parser.add_argument(
        "--lines", action="store_true", help="also record the rejected line numbers"
    )
    parser.add_argument("--strict", action="store_true", help="core only: default (strict) config")
    args = parser.parse_args()
    run = runner(args.impl, args.strict)
    if not IMPLEMENTATIONS[args.impl].all_threads:
        one_arrow_thread()
    rejected = args.output + REJECTED_ROWS_SUFFIX
    t0 = time.perf_counter()
    outcome = run(args.source, args.output, rejected)
    seconds = time.perf_counter() - t0
    result: dict[str, Any] = {
        "impl": args.impl,
        "seconds": seconds,
        "rows_total": int(getattr(outcome, "rows_total", 0) or 0),
        "rows_valid": int(getattr(outcome, "rows_valid", 0) or 0),
        "rows_rejected": int(getattr(outcome, "rows_rejected", 0) or 0),
        "peak_rss_mib": peak_rss_mib(),
    }
    if args.lines:
        result["lines"] = rejected_lines(outcome, rejected)
    Path(args.result).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
