"""The registry of what the benchmark runs points at real modules, and covers every baseline."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import bench.baselines
from bench.implementations import IMPLEMENTATIONS


@pytest.mark.parametrize("name", list(IMPLEMENTATIONS))
def test_each_implementation_module_has_process_file(name: str) -> None:
    assert callable(importlib.import_module(IMPLEMENTATIONS[name].module).process_file)


def test_every_baseline_module_is_registered() -> None:
    folder = Path(bench.baselines.__file__).parent
    modules = {f"bench.baselines.{p.stem}" for p in folder.glob("*.py") if p.stem != "__init__"}
    assert modules <= {impl.module for impl in IMPLEMENTATIONS.values()}
