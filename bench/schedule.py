"""The order of the runs: a verification run of everything on every file, then timed rounds.

Rounds interleave the implementations with a rotating order, so a slow drift of the machine
(heat, another process) spreads over all of them instead of landing on one.
"""

from __future__ import annotations

from bench.measure import BenchFile, Sample, timed_run
from bench.verify import verify

# file key -> implementation -> its runs, the verification run first
Samples = dict[str, dict[str, list[Sample]]]


def first_runs(files: list[BenchFile], impls: list[str]) -> Samples | None:
    """Run and verify every implementation once on every file; None (and why, printed) on a mismatch."""
    samples: Samples = {}
    agreed = True
    for bf in files:
        first, problems = verify(bf, impls)
        samples[bf.key] = {impl: [s] for impl, s in first.items()}
        if problems:
            agreed = False
            print(f"MISMATCH on {bf.key}: no timings reported for this run.")
            for p in problems[:20]:
                print("  " + p)
    return samples if agreed else None


def rotated(impls: list[str], round_no: int) -> list[str]:
    """The order of the implementations in round ``round_no``."""
    k = round_no % len(impls)
    return impls[k:] + impls[:k]


def timed_rounds(files: list[BenchFile], impls: list[str], runs: int, samples: Samples) -> None:
    """Add runs 2..``runs`` of every implementation on every file to ``samples``."""
    for r in range(1, runs):
        for bf in files:
            for impl in rotated(impls, r):
                s = timed_run(impl, bf)
                samples[bf.key][impl].append(s)
                print(f"  run {r + 1} {s.line(bf, impl)}", flush=True)
