"""The report: one summary row per (file, implementation), as results.md, results.json and chart.png."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.implementations import IMPLEMENTATIONS
from bench.measure import BenchFile
from bench.schedule import Samples
from bench.targets import SDK_MODULE

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Results:
    """Everything one benchmark run reports; results.json is this, field by field."""

    command: str
    rows: Rows
    imports: dict[str, float | None]
    machine: dict[str, Any]
    targets: list[str]
    big: dict[str, Any] | None


def summarize(files: list[BenchFile], samples: Samples, impls: list[str]) -> Rows:
    """One row per (file, implementation): medians, throughput, peak RSS, ratio to ours."""
    rows = []
    for bf in files:
        per = samples[bf.key]
        med = {i: statistics.median(s.seconds for s in per[i]) for i in impls if per.get(i)}
        ours = med.get("ours")
        for impl, t in med.items():
            rows.append(
                {
                    "file": bf.key,
                    "rows": bf.rows,
                    "mb": round(bf.mb, 1),
                    "impl": impl,
                    "runs": len(per[impl]),
                    "seconds": round(t, 3),
                    "mb_per_s": round(bf.mb / t, 1),
                    "rows_per_s": round(bf.rows / t),
                    "peak_rss_mib": round(max(s.rss_mib for s in per[impl])),
                    "vs_ours": round(t / ours, 2) if ours else None,
                }
            )
    return rows


def _table_row(r: dict[str, Any]) -> str:
    ratio = "" if r["vs_ours"] is None else f"{r['vs_ours']:.2f}"
    return (
        f"| {r['file']} ({r['mb']:.0f} MB) | {IMPLEMENTATIONS[r['impl']].label} | {r['runs']} | {r['seconds']:.2f} | {r['mb_per_s']:.1f} | "
        f"{r['rows_per_s']:,} | {r['peak_rss_mib']} | {ratio} |"
    )


def markdown(res: Results) -> str:
    """Render the Markdown report."""
    lines = [
        "# Benchmark: validate + transform (docs/data-contract.md)",
        "",
        f"Command: `{res.command}`. Wall time is the median over the runs of the call alone (imports excluded), "
        "in a fresh process per run, implementations interleaved; peak RSS is the child's maximum. "
        "`x ours` = time / our 1-thread time (higher = slower than ours).",
        "",
        "| file | implementation | runs | median s | MB/s | rows/s | peak RSS MiB | x ours |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [_table_row(r) for r in res.rows]
    lines += ["", "## Targets", ""] + [f"- {g}" for g in res.targets]
    lines += ["", "## Cold import (median of fresh interpreters)", ""]
    lines += [_import_line(m, t, res.imports.get(SDK_MODULE)) for m, t in res.imports.items()]
    info = res.machine
    v = ", ".join(f"{k} {val}" for k, val in info["versions"].items())
    lines += [
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, {info['os']}",
        f"- {v}",
        "",
    ]
    lines += ["![throughput and peak memory](chart.png)", ""]
    return "\n".join(lines)


def _import_line(module: str, t: float | None, sdk: float | None) -> str:
    """One cold import, with its ratio to the SDK's import of the same run where both exist."""
    if t is None:
        return f"- `{module}`: n/a"
    ratio = f" ({t / sdk:.2f}x {SDK_MODULE})" if sdk and module != SDK_MODULE else ""
    return f"- `{module}`: {t:.3f} s{ratio}"


def chart(rows: Rows, path: Path) -> None:
    """Bar charts of throughput (MB/s) and peak RSS (MiB) per implementation and file."""
    import matplotlib

    matplotlib.use("Agg")  # no display; must come before pyplot's import
    import matplotlib.pyplot as plt

    files = list(dict.fromkeys(r["file"] for r in rows))
    impls = list(dict.fromkeys(r["impl"] for r in rows))
    by = {(r["file"], r["impl"]): r for r in rows}
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    width = 0.8 / max(1, len(impls))
    for ax, metric, title in (
        (axes[0], "mb_per_s", "throughput, MB/s (higher is better)"),
        (axes[1], "peak_rss_mib", "peak RSS, MiB (lower is better)"),
    ):
        for j, impl in enumerate(impls):
            xs = [i + j * width for i, f in enumerate(files) if (f, impl) in by]
            ys = [by[(f, impl)][metric] for f in files if (f, impl) in by]
            bars = ax.bar(xs, ys, width, label=IMPLEMENTATIONS[impl].label)
            ax.bar_label(bars, fmt="%.0f", fontsize=7)
        ax.set_xticks([i + width * (len(impls) - 1) / 2 for i in range(len(files))], files)
        ax.set_title(title)
    axes[0].legend(fontsize=8)
    fig.suptitle("CSV validate + transform, one thread unless noted")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(res: Results, results_dir: Path) -> str:
    """Write results.md, results.json and chart.png into ``results_dir``; return the Markdown."""
    results_dir.mkdir(parents=True, exist_ok=True)
    md = markdown(res)
    (results_dir / "results.md").write_text(md)
    (results_dir / "results.json").write_text(json.dumps(asdict(res), indent=2) + "\n")
    chart(res.rows, results_dir / "chart.png")
    return md
