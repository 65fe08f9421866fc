"""Reference, not a baseline: polars streaming read + write with no validation or transform.

The distance between this and the core is the cost of the contract (the "limit" ratio).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from bench.baselines import Outcome


def process_file(
    source: str | Path, output: str | Path, *, rejected: str | Path | None = None
) -> Outcome:
    """Copy ``source`` to ``output`` through polars' streaming engine, every column a string."""
    del rejected
    pl.scan_csv(source, infer_schema=False).sink_csv(output, engine="streaming")
    return Outcome()
