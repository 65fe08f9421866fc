"""The targets (issues 5 and 13), each with its measured value and whether it is met."""

from __future__ import annotations

from typing import Any

from contract.deployment import (
    TRANSFORMATION_HANDLER,
    TRANSFORMATION_SERVICE,
    VALIDATION_HANDLER,
    VALIDATION_SERVICE,
)

# ours must be at least this many times faster than each baseline (throughput)
THROUGHPUT_GOALS = (("duckdb", 1.6), ("pandas", 4.0), ("stdlib", 5.0))
BARE_POLARS_LIMIT = 1.5  # ours' time / bare polars read+write time
PIPELINE_LIMIT = 2.0  # both handlers' per-file compute / bare polars read+write time
RSS_LIMIT_MIB = 512  # ours on the 5M-row files
IMPORT_LIMIT_S = 0.25  # cold import of each handler module
HANDLER_MODULES = tuple(h.rpartition(".")[0] for h in (VALIDATION_HANDLER, TRANSFORMATION_HANDLER))
# The AWS SDK, which every handler's first invocation needs: the floor of a cold import,
# measured in the same run so that each import is also a ratio to it (machine-independent).
SDK_MODULE = "boto3"
# Cold imports measured, each from the function zip that holds it: the handlers (with a
# target), then the core, polars and the SDK for reference.
COLD_IMPORTS = {
    HANDLER_MODULES[0]: VALIDATION_SERVICE,
    HANDLER_MODULES[1]: TRANSFORMATION_SERVICE,
    "functions.core": VALIDATION_SERVICE,
    "polars": VALIDATION_SERVICE,
    SDK_MODULE: TRANSFORMATION_SERVICE,
}

Rows = list[dict[str, Any]]


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def file_targets(f: str, by: dict[tuple[str, str], dict[str, Any]]) -> list[str]:
    """The targets on one file, given the summary rows by (file, implementation)."""
    if (f, "ours") not in by:
        return []
    ours = by[(f, "ours")]
    out = []
    for impl, goal in THROUGHPUT_GOALS:
        if (f, impl) in by:
            v = by[(f, impl)]["vs_ours"]
            out.append(
                f"{f}: ours vs {impl} throughput {v:.2f}x (target >= {goal}x) {_verdict(v >= goal)}"
            )
    if (f, "bare-polars") in by:
        v = ours["seconds"] / by[(f, "bare-polars")]["seconds"]
        out.append(
            f"{f}: ours / bare polars read+write time {v:.2f}x (target <= {BARE_POLARS_LIMIT}x) "
            f"{_verdict(v <= BARE_POLARS_LIMIT)}"
        )
    if (f, "bare-polars") in by and (f, "pipeline") in by:
        v = by[(f, "pipeline")]["seconds"] / by[(f, "bare-polars")]["seconds"]
        out.append(
            f"{f}: pipeline (both handlers, no S3) / bare polars read+write time {v:.2f}x "
            f"(target <= {PIPELINE_LIMIT}x) {_verdict(v <= PIPELINE_LIMIT)}"
        )
    if f.startswith("5M"):
        rss = ours["peak_rss_mib"]
        out.append(
            f"{f}: ours peak RSS {rss} MiB (target <= {RSS_LIMIT_MIB} MiB) {_verdict(rss <= RSS_LIMIT_MIB)}"
        )
    return out


def growth_line(big: dict[str, Any]) -> str:
    """The memory growth from the largest dirty file to the big one (no target: a figure)."""
    return (
        f"memory growth {big['from']} -> {big['to']}: {big['rss_5m_mib']} -> {big['rss_20m_mib']} MiB "
        f"(+{big['rss_20m_mib'] - big['rss_5m_mib']} MiB; bare polars {big['bare_rss_5m_mib']} -> "
        f"{big['bare_rss_20m_mib']} MiB; the id state of the extra rows is {big['id_set_growth_mib']} MiB)"
    )


def import_target(mod: str, t: float | None) -> str:
    """The cold import target of one handler module."""
    if t is None:
        return f"cold import {mod}: n/a (module absent)"
    return f"cold import {mod}: {t:.3f} s (target <= {IMPORT_LIMIT_S} s) {_verdict(t <= IMPORT_LIMIT_S)}"


def targets(rows: Rows, imports: dict[str, float | None], big: dict[str, Any] | None) -> list[str]:
    """Each target with its measured value: files smallest first, then memory growth, imports."""
    by = {(r["file"], r["impl"]): r for r in rows}
    size = {r["file"]: r["rows"] for r in rows}
    out = [line for f in sorted(size, key=size.__getitem__) for line in file_targets(f, by)]
    if big:
        out.append(growth_line(big))
    out += [import_target(mod, t) for mod, t in imports.items() if mod in HANDLER_MODULES]
    return out
