"""What the benchmark measures: one entry per implementation, in display order.

Adding an implementation is one entry here (and, for a baseline, its module under
``bench/baselines/`` exposing ``process_file``). Stdlib only: every measurement child imports it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Implementation:
    """One implementation of validate + transform, as the benchmark runs and reports it."""

    name: str
    module: str  # exposes process_file(source, output, ..., rejected=...)
    label: str  # its row in the report
    core: bool = False  # the project's core: takes a CoreConfig, strict on clean files
    all_threads: bool = False  # every thread of the machine instead of one
    checked: bool = True  # its output must match the others' (False: a no-checks reference)


IMPLEMENTATIONS: dict[str, Implementation] = {
    impl.name: impl
    for impl in (
        Implementation("ours", "functions.core", "ours (polars core, 1 thread)", core=True),
        Implementation(
            "ours-mt",
            "functions.core",
            "ours (polars core, all threads)",
            core=True,
            all_threads=True,
        ),
        Implementation(
            "pipeline",
            "bench.pipeline_compute",
            "pipeline: both handlers' compute, no S3",
            core=True,
        ),
        Implementation(
            "bare-polars",
            "bench.baselines.bare_polars",
            "bare polars read+write (limit)",
            checked=False,
        ),
        Implementation("duckdb", "bench.baselines.duckdb_impl", "DuckDB SQL, 1 thread"),
        Implementation("pandas", "bench.baselines.pandas_impl", "pandas + pyarrow reader"),
        Implementation("stdlib", "bench.baselines.stdlib_csv", "stdlib csv+decimal+datetime"),
    )
}
