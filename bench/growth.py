"""``--big``: how our peak memory grows from the largest dirty file to a 20M-row one.

Only ours and bare polars run on the big file, once: the point is the growth, set against
bare polars' and against the duplicate-id state the extra rows need.
"""

from __future__ import annotations

from typing import Any

from bench.measure import BenchFile, timed_run
from bench.schedule import Samples

MIB = 1024 * 1024
# The core's duplicate-id state (functions/core/native/ids.c): a 12-byte slot per id, the set
# at most 3/4 full.
ID_SET_BYTES_PER_ROW = 16
BIG_IMPLS = ("ours", "bare-polars")


def big_run(rows: int, keep: bool, samples: Samples) -> BenchFile:
    """Generate the big file, run ours and bare polars on it once, add them to ``samples``."""
    bf = BenchFile.generated(rows, "dirty")
    print(bf.summary, flush=True)
    samples[bf.key] = {}
    for impl in BIG_IMPLS:
        s = timed_run(impl, bf)
        samples[bf.key][impl] = [s]
        print(f"  big {bf.key} {impl} {s.seconds:.2f} s {s.rss_mib:.0f} MiB", flush=True)
    if not keep:
        bf.path.unlink()  # 1.4 GB: keep bench/data/ small
    return bf


def growth(base: BenchFile, big: BenchFile, samples: Samples) -> dict[str, Any]:
    """Peak RSS of ours and bare polars on ``base`` and ``big``, and the id state's share."""

    def peak(bf: BenchFile, impl: str) -> int:
        return round(max((x.rss_mib for x in samples[bf.key].get(impl, [])), default=0.0))

    return {
        "rss_5m_mib": peak(base, "ours"),
        "rss_20m_mib": peak(big, "ours"),
        "bare_rss_5m_mib": peak(base, "bare-polars"),
        "bare_rss_20m_mib": peak(big, "bare-polars"),
        "id_set_growth_mib": round((big.rows - base.rows) * ID_SET_BYTES_PER_ROW / MIB),
        "from": base.key,
        "to": big.key,
    }
