"""What the numbers were measured on: CPU, cores, RAM, OS, library versions and the commit."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from bench.measure import ROOT

LIBRARIES = ("polars", "duckdb", "pandas", "pyarrow", "numpy")


def git_commit() -> str:
    """Short commit of the checkout measured, flagged when functions/ or bench/ has local edits."""
    git = ["git", "-C", str(ROOT)]
    head_cmd = [*git, "rev-parse", "--short", "HEAD"]
    local_cmd = [*git, "status", "--porcelain", "--untracked-files=no", "--", "functions", "bench"]
    head = subprocess.run(head_cmd, capture_output=True, text=True, check=False)  # noqa: S603
    local = subprocess.run(local_cmd, capture_output=True, text=True, check=False)  # noqa: S603
    return head.stdout.strip() + (" (with local changes)" if local.stdout.strip() else "")


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what the platform says."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def ram_bytes() -> int:
    """Total RAM from /proc/meminfo (0 when unknown)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(Path("/proc/meminfo").read_text().split()[1]) * 1024
    return 0


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM and library versions."""
    versions = {"python": platform.python_version()}
    for lib in LIBRARIES:
        with contextlib.suppress(Exception):
            versions[lib] = __import__(lib).__version__
    versions["commit"] = git_commit()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": round(ram_bytes() / 2**30, 1),
        "os": platform.platform(),
        "versions": versions,
    }
