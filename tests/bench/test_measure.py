"""How a measurement child is set up (its thread environment, the file names in tables) and
where cold imports are timed: from the function zip as Lambda extracts it, not the repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench.measure import THREAD_VARS, BenchFile, import_times, thread_env


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


def test_a_module_is_timed_from_its_function_zip() -> None:
    times = import_times({"functions.sweeper.handler": "sweeper", "no_such_module": "sweeper"}, 1)

    assert times["no_such_module"] is None
    sweeper = times["functions.sweeper.handler"]
    assert sweeper is not None and sweeper > 0


def test_a_module_outside_the_zip_cannot_be_imported_there() -> None:
    # bench.measure is in the repository but in no function zip: timing it from the sweeper's
    # zip must fail, which shows the timed interpreter sees the zip, not this checkout
    with pytest.raises(subprocess.CalledProcessError):
        import_times({"bench.measure": "sweeper"}, 1)
