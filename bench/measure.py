"""One measurement: a fresh child process runs one implementation on one file (``bench.worker``).

The child gets its thread environment before it starts, so libraries read it at import time,
and reports its own wall time and peak RSS (VmHWM) as JSON. Cold imports are measured the
same way, in fresh interpreters.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.generate import DATA_DIR, generate
from bench.implementations import IMPLEMENTATIONS
from contract.keys import REJECTED_ROWS_SUFFIX

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = DATA_DIR / "out"
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
# What the Lambda runtime sets and libraries look at while importing: the X-Ray SDK, for one,
# builds a centralized-sampling client (two botocore clients, ~0.15 s) unless it sees Lambda.
LAMBDA_ENV = {
    "LAMBDA_TASK_ROOT": "/var/task",
    "AWS_LAMBDA_FUNCTION_NAME": "bench-import",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def size_name(rows: int) -> str:
    """A row count as tables show it: ``20k``, ``5M``."""
    if rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows % 1000 == 0:
        return f"{rows // 1000}k"
    return str(rows)


@dataclass(frozen=True)
class BenchFile:
    """One input file of the benchmark; its size is read once, as it may be deleted before the report."""

    rows: int
    variant: str
    path: Path
    mb: float  # 10^6 bytes

    @classmethod
    def generated(cls, rows: int, variant: str) -> BenchFile:
        """Generate the file (or reuse the cached one) and remember its size."""
        path = generate(rows, variant)
        return cls(rows, variant, path, path.stat().st_size / 1e6)

    @property
    def key(self) -> str:
        """Short name used in tables: e.g. ``5M dirty``."""
        return f"{size_name(self.rows)} {self.variant}"

    @property
    def summary(self) -> str:
        """The line printed once the file is ready."""
        return f"file {self.key}: {self.path.name} {self.mb:.0f} MB"


@dataclass(frozen=True)
class Sample:
    """One run of one implementation on one file: what the child reported."""

    seconds: float
    rss_mib: float
    result: dict[str, Any]  # the child's JSON: counts and, when asked, rejected line numbers

    def line(self, bf: BenchFile, impl: str) -> str:
        """The progress line printed after the run."""
        return f"{bf.key:10s} {impl:12s} {self.seconds:7.2f} s {self.rss_mib:7.0f} MiB"


def thread_env(all_threads: bool = False) -> dict[str, str]:
    """Environment of a child: every thread variable set to 1 unless ``all_threads``."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    env["PYTHONPATH"] = str(ROOT)
    if not all_threads:
        env.update(dict.fromkeys(THREAD_VARS, "1"))
    return env


def run_child(impl: str, bf: BenchFile, lines: bool) -> tuple[Sample, Path]:
    """Run one implementation on one file in a fresh process; return the sample and output path."""
    spec = IMPLEMENTATIONS[impl]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"{impl}_{bf.path.stem}.csv"
    res = OUT_DIR / f"{impl}_{bf.path.stem}.json"
    cmd = [sys.executable, "-m", "bench.worker", impl, str(bf.path), str(out), str(res)]
    if lines:
        cmd.append("--lines")
    if bf.variant == "clean" and spec.core:
        cmd.append("--strict")  # clean files go through the default, strict configuration
    env = thread_env(spec.all_threads)
    done = subprocess.run(cmd, cwd=ROOT, env=env, check=False)  # noqa: S603 - our worker
    if done.returncode != 0:
        raise RuntimeError(f"{impl} failed on {bf.path.name} (exit {done.returncode})")
    result = json.loads(res.read_text())
    res.unlink()
    Path(f"{out}{REJECTED_ROWS_SUFFIX}").unlink(missing_ok=True)
    return Sample(result["seconds"], result["peak_rss_mib"], result), out


def timed_run(impl: str, bf: BenchFile) -> Sample:
    """One timing run: the output is not looked at, only the time and memory."""
    sample, out = run_child(impl, bf, lines=False)
    out.unlink(missing_ok=True)
    return sample


def _task_root(service: str, dest: Path) -> Path:
    """The function zip of `service`, built as `make package` builds it (but with this
    machine's build of the core's C parser) and extracted, as Lambda extracts it under
    /var/task."""
    from tools.build_functions import build_function, native_library

    archive, _ = build_function(service, dest, native_library(dest, "host"))
    root = dest / service
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(root)
    return root


def import_times(modules: dict[str, str], repeat: int) -> dict[str, float | None]:
    """Median cold import time of each module (by the service whose zip holds it) in fresh
    single-threaded interpreters, runs interleaved across the modules (None: absent).

    As in Lambda: the code is the function zip's, extracted, with the bytecode it ships and
    none written (``-B``: /var/task is read-only); the installed packages stand for the
    layer, which ships its bytecode, so a first untimed import compiles theirs.
    """
    found = {}
    for module in modules:
        try:
            found[module] = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found[module] = False
    times: dict[str, list[float]] = {m: [] for m in modules if found[m]}
    env = {**thread_env(), **LAMBDA_ENV}
    env.pop("PYTHONPATH")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as work:
        roots = {s: _task_root(s, Path(work)) for s in set(modules.values())}
        for module in times:
            code = f"import {module}"
            subprocess.run(  # noqa: S603 - our own interpreter; writes the packages' bytecode
                [sys.executable, "-c", code],
                cwd=ROOT,
                env={k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"},
                capture_output=True,
                check=True,
            )
        for _ in range(repeat):
            for module, vals in times.items():
                code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
                root = roots[modules[module]]
                out = subprocess.run(  # noqa: S603 - our own interpreter
                    [sys.executable, "-B", "-c", code],
                    cwd=root,
                    env={**env, "PYTHONPATH": str(root)},
                    capture_output=True,
                    text=True,
                    check=True,
                )
                vals.append(float(out.stdout.strip().splitlines()[-1]))
    return {m: statistics.median(times[m]) if m in times else None for m in modules}
