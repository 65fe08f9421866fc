"""``make bench``: our core against stdlib csv, pandas and DuckDB on the same files, one thread.

Steps: generate (or reuse) the files; run every implementation once per file in a fresh
process and check they all produce the same result (parsed values and rejected line numbers)
— on any mismatch print the first differences and stop before reporting timings; then more
interleaved rounds; report medians, MB/s, rows/s, peak RSS (the child's own VmHWM), the
ratios against ours, cold import times, the machine and the versions. Writes
``bench/results/results.md``, ``results.json`` and ``chart.png``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from bench.generate import DATA_DIR, generate
from contract.keys import REJECTED_ROWS_SUFFIX

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
OUT_DIR = DATA_DIR / "out"
MIB = 1024 * 1024
THREAD_VARS = (
    "POLARS_MAX_THREADS",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_MAX_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "RAYON_NUM_THREADS",
    "ARROW_IO_THREADS",
    "ARROW_NUM_THREADS",
)
# Order = display order. "ours-mt" is our core with every thread of the machine.
ALL_IMPLS = ["ours", "ours-mt", "bare-polars", "duckdb", "pandas", "stdlib"]
LABELS = {
    "ours": "ours (polars core, 1 thread)",
    "ours-mt": "ours (polars core, all threads)",
    "bare-polars": "bare polars read+write (limit)",
    "duckdb": "DuckDB SQL, 1 thread",
    "pandas": "pandas + pyarrow reader",
    "stdlib": "stdlib csv+decimal+datetime",
}
# The core's duplicate-id state: u32 row index + 128-bit id hash + u8 partition per row.
ID_SET_BYTES_PER_ROW = 21
HANDLERS = ("functions.validation.handler", "functions.transformation.handler")
AMOUNT_FORMAT = r"^-?[0-9]+\.[0-9]{2}$"
TS_FORMAT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?Z$"


@dataclass
class BenchFile:
    """One input file of the benchmark."""

    rows: int
    variant: str
    path: Path
    size_mb: float = 0.0

    @property
    def key(self) -> str:
        """Short name used in tables: e.g. ``5M dirty``."""
        n = self.rows
        size = (
            f"{n // 1_000_000}M"
            if n % 1_000_000 == 0
            else f"{n // 1000}k"
            if n % 1000 == 0
            else str(n)
        )
        return f"{size} {self.variant}"

    @property
    def mb(self) -> float:
        """Size in MB (10^6 bytes), remembered once known."""
        if not self.size_mb:
            self.size_mb = self.path.stat().st_size / 1e6
        return self.size_mb


@dataclass
class Sample:
    """One run of one implementation on one file."""

    seconds: float
    rss_mib: float
    result: dict[str, Any] = field(default_factory=dict)


def thread_env(impl: str) -> dict[str, str]:
    """Environment of a child: one thread everywhere except for ``ours-mt``."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    env["PYTHONPATH"] = str(ROOT)
    if impl != "ours-mt":
        env.update(dict.fromkeys(THREAD_VARS, "1"))
    return env


def run_child(impl: str, bf: BenchFile, lines: bool) -> tuple[Sample, Path]:
    """Run one implementation on one file in a fresh process; return the sample and output path."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"{impl}_{bf.path.stem}.csv"
    res = OUT_DIR / f"{impl}_{bf.path.stem}.json"
    rejected = Path(f"{out}{REJECTED_ROWS_SUFFIX}")
    cmd = [sys.executable, "-m", "bench.worker", impl, str(bf.path), str(out), str(res)]
    if lines:
        cmd.append("--lines")
    if bf.variant == "clean" and impl.startswith("ours"):
        cmd.append("--strict")  # clean files go through the default, strict configuration
    done = subprocess.run(cmd, cwd=ROOT, env=thread_env(impl), check=False)  # noqa: S603 - our worker
    if done.returncode != 0:
        raise RuntimeError(f"{impl} failed on {bf.path.name} (exit {done.returncode})")
    result = json.loads(res.read_text())
    res.unlink()
    rejected.unlink(missing_ok=True)
    return Sample(result["seconds"], result["peak_rss_mib"], result), out


def load_output(path: Path) -> pl.DataFrame:
    """Read an output CSV with every column a string and empty fields as ''."""
    return pl.read_csv(path, infer_schema=False).with_columns(pl.all().fill_null(""))


def format_problems(df: pl.DataFrame, name: str) -> list[str]:
    """Rows whose amount or timestamp text breaks the output format of docs/interfaces.md."""
    problems = []
    for col, pattern in (("amount", AMOUNT_FORMAT), ("timestamp", TS_FORMAT)):
        if col not in df.columns:
            return [f"{name}: no column {col!r} in the output (columns {df.columns})"]
        bad = df.filter(
            ~pl.col(col).str.contains(pattern)
            | (pl.col(col) == "-0.00")
            | pl.col(col).str.contains(r"\.000000Z$")
        )
        if bad.height:
            problems.append(
                f"{name}: {bad.height} {col} values break the output format, e.g. {bad[col].head(3).to_list()}"
            )
    return problems


def parsed(df: pl.DataFrame) -> pl.DataFrame:
    """Parse amount as Decimal(18,2) and timestamp as a UTC instant; other columns stay text."""
    return df.with_columns(
        pl.col("amount").cast(pl.Decimal(18, 2), strict=False),
        pl.col("timestamp").str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S%.fZ", strict=False),
    )


def compare(ref: pl.DataFrame, ref_name: str, other: pl.DataFrame, name: str) -> list[str]:
    """Differences between two parsed outputs (first few only)."""
    if ref.columns != other.columns:
        return [f"{name}: columns {other.columns} != {ref_name}: {ref.columns}"]
    if ref.height != other.height:
        diffs = [f"{name}: {other.height} output rows != {ref_name}: {ref.height}"]
        ids = set(ref["transaction_id"].to_list()) ^ set(other["transaction_id"].to_list())
        return [*diffs, f"  transaction ids in only one of them (first 5): {sorted(ids)[:5]}"]
    diffs = []
    for col in ref.columns:
        neq = ref[col].ne_missing(other[col])
        n = int(neq.sum())
        if n:
            idx = neq.arg_true().head(3).to_list()
            pairs = [(ref[col][i], other[col][i]) for i in idx]
            diffs.append(
                f"{name}: column {col!r} differs on {n} rows; first (row, {ref_name}, {name}): {[(i, *p) for i, p in zip(idx, pairs, strict=True)]}"
            )
    return diffs


def verify(bf: BenchFile, impls: list[str]) -> tuple[dict[str, Sample], list[str]]:
    """Run each implementation once on ``bf`` and compare everything to the first one."""
    samples: dict[str, Sample] = {}
    problems: list[str] = []
    ref: pl.DataFrame | None = None
    ref_name = ""
    ref_result: dict[str, Any] = {}
    for impl in impls:
        sample, out = run_child(impl, bf, lines=impl != "bare-polars")
        samples[impl] = sample
        print(
            f"  verify {bf.key:10s} {impl:12s} {sample.seconds:7.2f} s {sample.rss_mib:7.0f} MiB",
            flush=True,
        )
        if impl == "bare-polars":
            out.unlink(missing_ok=True)
            continue
        r = sample.result
        df = load_output(out)
        out.unlink(missing_ok=True)
        problems += format_problems(df, impl)
        df = parsed(df)
        if ref is None:
            ref, ref_name, ref_result = df, impl, r
            continue
        for key in ("rows_total", "rows_valid", "rows_rejected"):
            if r[key] != ref_result[key]:
                problems.append(f"{impl}: {key}={r[key]} but {ref_name}: {ref_result[key]}")
        if r["lines"] != ref_result["lines"]:
            a, b = set(r["lines"]), set(ref_result["lines"])
            problems.append(
                f"{impl}: rejected lines differ; only in {impl}: {sorted(a - b)[:5]}, only in {ref_name}: {sorted(b - a)[:5]}"
            )
        problems += compare(ref, ref_name, df, impl)
    return samples, problems


# What the Lambda runtime sets and libraries look at while importing: the X-Ray SDK, for one,
# builds a centralized-sampling client (two botocore clients, ~0.15 s) unless it sees Lambda.
LAMBDA_ENV = {
    "LAMBDA_TASK_ROOT": "/var/task",
    "AWS_LAMBDA_FUNCTION_NAME": "bench-import",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def import_times(modules: list[str], repeat: int) -> dict[str, float | None]:
    """Median cold import time of each module in fresh single-threaded interpreters (None: absent)."""
    times: dict[str, float | None] = {}
    for mod in modules:
        try:
            found = importlib.util.find_spec(mod) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            times[mod] = None
            continue
        code = f"import time; t = time.perf_counter(); import {mod}; print(time.perf_counter() - t)"
        vals = []
        for _ in range(repeat):
            out = subprocess.run(  # noqa: S603 - our own interpreter
                [sys.executable, "-c", code],
                cwd=ROOT,
                env={**thread_env("ours"), **LAMBDA_ENV},
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode != 0:
                break
            vals.append(float(out.stdout.strip().splitlines()[-1]))
        times[mod] = statistics.median(vals) if vals else None
    return times


def _git_commit() -> str:
    """Short commit of the checkout measured, flagged when functions/ or bench/ has local edits."""
    git = ["git", "-C", str(ROOT)]
    head_cmd = [*git, "rev-parse", "--short", "HEAD"]
    local_cmd = [*git, "status", "--porcelain", "--untracked-files=no", "--", "functions", "bench"]
    head = subprocess.run(head_cmd, capture_output=True, text=True, check=False)  # noqa: S603
    local = subprocess.run(local_cmd, capture_output=True, text=True, check=False)  # noqa: S603
    return head.stdout.strip() + (" (with local changes)" if local.stdout.strip() else "")


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM and library versions."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        ram = int(Path("/proc/meminfo").read_text().split()[1]) * 1024
    versions = {"python": platform.python_version()}
    for lib in ("polars", "duckdb", "pandas", "pyarrow", "numpy"):
        with contextlib.suppress(Exception):
            versions[lib] = __import__(lib).__version__
    versions["commit"] = _git_commit()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(ram / 2**30, 1),
        "os": platform.platform(),
        "versions": versions,
    }


def core_available() -> bool:
    """True when functions.core exposes process_file (the core has landed)."""
    code = "import functions.core as c; assert callable(c.process_file) and c.CoreConfig"
    cmd = [sys.executable, "-c", code]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False)  # noqa: S603
    return done.returncode == 0


def summarize(
    files: list[BenchFile], samples: dict[str, dict[str, list[Sample]]], impls: list[str]
) -> list[dict[str, Any]]:
    """One row per (file, implementation): medians, throughput, peak RSS, ratio to ours."""
    rows = []
    for bf in files:
        per = samples[bf.key]
        med = {i: statistics.median(s.seconds for s in per[i]) for i in impls if per.get(i)}
        ours = med.get("ours")
        for impl in impls:
            if impl not in med:
                continue
            t = med[impl]
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


def targets(
    rows: list[dict[str, Any]], imports: dict[str, float | None], big: dict[str, Any] | None
) -> list[str]:
    """Each target of issue 5 with its measured value."""
    out = []
    by = {(r["file"], r["impl"]): r for r in rows}
    files = sorted(
        {r["file"] for r in rows}, key=lambda f: next(r["rows"] for r in rows if r["file"] == f)
    )
    for f in files:
        if (f, "ours") not in by:
            continue
        for impl, goal in (("duckdb", 1.6), ("pandas", 3.0), ("stdlib", 5.0)):
            if (f, impl) in by:
                v = by[(f, impl)]["vs_ours"]
                out.append(
                    f"{f}: ours vs {impl} throughput {v:.2f}x (target >= {goal}x) {'met' if v >= goal else 'NOT met'}"
                )
        if (f, "bare-polars") in by:
            v = by[(f, "ours")]["seconds"] / by[(f, "bare-polars")]["seconds"]
            out.append(
                f"{f}: ours / bare polars read+write time {v:.2f}x (target <= 1.5x) {'met' if v <= 1.5 else 'NOT met'}"
            )
        if f.startswith("5M"):
            rss = by[(f, "ours")]["peak_rss_mib"]
            out.append(
                f"{f}: ours peak RSS {rss} MiB (target <= 512 MiB) {'met' if rss <= 512 else 'NOT met'}"
            )
    if big:
        out.append(
            f"memory growth {big['from']} -> {big['to']}: {big['rss_5m_mib']} -> {big['rss_20m_mib']} MiB "
            f"(+{big['rss_20m_mib'] - big['rss_5m_mib']} MiB; bare polars {big['bare_rss_5m_mib']} -> "
            f"{big['bare_rss_20m_mib']} MiB; the id state of the extra rows is {big['id_set_growth_mib']} MiB)"
        )
    for mod, t in imports.items():
        if mod in HANDLERS:
            out.append(
                f"cold import {mod}: "
                + (
                    "n/a (module absent)"
                    if t is None
                    else f"{t:.3f} s (target <= 0.3 s) {'met' if t <= 0.3 else 'NOT met'}"
                )
            )
    return out


def write_markdown(
    rows: list[dict[str, Any]],
    info: dict[str, Any],
    imports: dict[str, float | None],
    goals: list[str],
    cmd: str,
) -> str:
    """Render the Markdown report."""
    lines = [
        "# Benchmark: validate + transform (SPEC §3)",
        "",
        f"Command: `{cmd}`. Wall time is the median over the runs of the call alone (imports excluded), "
        "in a fresh process per run, implementations interleaved; peak RSS is the child's maximum. "
        "`x ours` = time / our 1-thread time (higher = slower than ours).",
        "",
        "| file | implementation | runs | median s | MB/s | rows/s | peak RSS MiB | x ours |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = "" if r["vs_ours"] is None else f"{r['vs_ours']:.2f}"
        lines.append(
            f"| {r['file']} ({r['mb']:.0f} MB) | {LABELS[r['impl']]} | {r['runs']} | {r['seconds']:.2f} | {r['mb_per_s']:.1f} | "
            f"{r['rows_per_s']:,} | {r['peak_rss_mib']} | {ratio} |"
        )
    lines += ["", "## Targets", ""] + [f"- {g}" for g in goals]
    lines += ["", "## Cold import (median of fresh interpreters)", ""]
    lines += [f"- `{m}`: " + ("n/a" if t is None else f"{t:.3f} s") for m, t in imports.items()]
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


def chart(rows: list[dict[str, Any]], path: Path) -> None:
    """Bar charts of throughput (MB/s) and peak RSS (MiB) per implementation and file."""
    import matplotlib

    matplotlib.use("Agg")
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
            bars = ax.bar(xs, ys, width, label=LABELS[impl])
            ax.bar_label(bars, fmt="%.0f", fontsize=7)
        ax.set_xticks([i + width * (len(impls) - 1) / 2 for i in range(len(files))], files)
        ax.set_title(title)
    axes[0].legend(fontsize=8)
    fig.suptitle("CSV validate + transform, one thread unless noted")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``make bench``."""
    parser = argparse.ArgumentParser(
        description="Benchmark the core against csv, pandas and DuckDB."
    )
    parser.add_argument(
        "--rows", default="1000000,5000000", help="comma-separated dirty file sizes"
    )
    parser.add_argument(
        "--clean-rows", default="5000000", help="comma-separated clean file sizes ('' for none)"
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
        default=",".join(ALL_IMPLS),
        help="comma-separated subset of " + ",".join(ALL_IMPLS),
    )
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.clean_rows, args.runs = "20000", "20000", 1
    impls = [i for i in args.impls.split(",") if i]
    if not core_available():
        print("functions.core.process_file is not available yet: running the baselines only")
        impls = [i for i in impls if not i.startswith("ours")]
    files = [BenchFile(int(n), "dirty", Path()) for n in args.rows.split(",") if n]
    files += [BenchFile(int(n), "clean", Path()) for n in args.clean_rows.split(",") if n]
    t0 = time.perf_counter()
    for bf in files:
        bf.path = generate(bf.rows, bf.variant)
        print(f"file {bf.key}: {bf.path.name} {bf.mb:.0f} MB", flush=True)
    print(f"generated in {time.perf_counter() - t0:.1f} s", flush=True)

    samples: dict[str, dict[str, list[Sample]]] = {bf.key: {} for bf in files}
    failed = False
    for bf in files:
        first, problems = verify(bf, impls)
        for impl, s in first.items():
            samples[bf.key][impl] = [s]
        if problems:
            failed = True
            print(f"MISMATCH on {bf.key}: no timings reported for this run.")
            for p in problems[:20]:
                print("  " + p)
    if failed:
        return 1
    for r in range(1, args.runs):
        order = impls[r % len(impls) :] + impls[: r % len(impls)]  # rotate to spread the drift
        for bf in files:
            for impl in order:
                s, out = run_child(impl, bf, lines=False)
                out.unlink(missing_ok=True)
                samples[bf.key][impl].append(s)
                print(
                    f"  run {r + 1} {bf.key:10s} {impl:12s} {s.seconds:7.2f} s {s.rss_mib:7.0f} MiB",
                    flush=True,
                )

    big = None
    if args.big and "ours" in impls:
        bf = BenchFile(args.big_rows, "dirty", generate(args.big_rows, "dirty"))
        print(f"file {bf.key}: {bf.path.name} {bf.mb:.0f} MB", flush=True)
        samples[bf.key] = {}
        for impl in ("ours", "bare-polars"):
            s, out = run_child(impl, bf, lines=False)
            out.unlink(missing_ok=True)
            Path(f"{out}{REJECTED_ROWS_SUFFIX}").unlink(missing_ok=True)
            samples[bf.key][impl] = [s]
            print(f"  big {bf.key} {impl} {s.seconds:.2f} s {s.rss_mib:.0f} MiB", flush=True)
        files.append(bf)

        base = max((f for f in files if f.variant == "dirty" and f is not bf), key=lambda f: f.rows)

        def peak(f: BenchFile, impl: str) -> int:
            return round(max((x.rss_mib for x in samples[f.key].get(impl, [])), default=0.0))

        big = {
            "rss_5m_mib": peak(base, "ours"),
            "rss_20m_mib": peak(bf, "ours"),
            "bare_rss_5m_mib": peak(base, "bare-polars"),
            "bare_rss_20m_mib": peak(bf, "bare-polars"),
            "id_set_growth_mib": round((bf.rows - base.rows) * ID_SET_BYTES_PER_ROW / MIB),
            "from": base.key,
            "to": bf.key,
        }
        if not args.keep_big:
            bf.path.unlink()  # 1.4 GB: keep bench/data/ small

    rows = summarize(files, samples, impls)
    imports = import_times([*HANDLERS, "functions.core", "polars"], repeat=5)
    info = machine()
    goals = targets(rows, imports, big)
    cmd = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    args.results.mkdir(parents=True, exist_ok=True)
    md = write_markdown(rows, info, imports, goals, cmd.strip())
    (args.results / "results.md").write_text(md)
    payload = {
        "command": cmd.strip(),
        "rows": rows,
        "imports": imports,
        "machine": info,
        "targets": goals,
        "big": big,
    }
    (args.results / "results.json").write_text(json.dumps(payload, indent=2) + "\n")
    chart(rows, args.results / "chart.png")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
