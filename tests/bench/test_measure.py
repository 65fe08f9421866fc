"""How a measurement child is set up: its thread environment and the file names in tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.measure import THREAD_VARS, BenchFile, thread_env


@pytest.mark.parametrize(
    ("rows", "key"), [(20_000, "20k dirty"), (5_000_000, "5M dirty"), (1234, "1234 dirty")]
)
def test_file_keys_name_the_size_and_variant(rows: int, key: str) -> None:
    assert BenchFile(rows, "dirty", Path("f.csv"), 1.0).key == key


def test_children_get_one_thread_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLARS_MAX_THREADS", "8")
    env = thread_env()
    assert {v: env[v] for v in THREAD_VARS} == dict.fromkeys(THREAD_VARS, "1")


def test_all_threads_drops_every_inherited_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLARS_MAX_THREADS", "1")
    assert set(THREAD_VARS) & set(thread_env(all_threads=True)) == set()
