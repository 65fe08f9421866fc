"""The measurement child: pyarrow's thread pools pinned to one thread for any implementation on it."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

from bench import worker


class FakeArrow(types.ModuleType):
    """Records the pool sizes a caller sets."""

    def __init__(self) -> None:
        super().__init__("pyarrow")
        self.sizes: dict[str, int] = {}

    def set_cpu_count(self, n: int) -> None:
        self.sizes["cpu"] = n

    def set_io_thread_count(self, n: int) -> None:
        self.sizes["io"] = n


def test_one_arrow_thread_pins_both_pools_of_a_loaded_pyarrow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeArrow()
    monkeypatch.setitem(sys.modules, "pyarrow", fake)
    worker.one_arrow_thread()
    assert fake.sizes == {"cpu": 1, "io": 1}


def test_one_arrow_thread_never_imports_pyarrow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "pyarrow", raising=False)
    worker.one_arrow_thread()
    assert "pyarrow" not in sys.modules


@pytest.mark.parametrize(("impl", "pinned"), [("stdlib", True), ("ours-mt", False)])
def test_main_pins_arrow_unless_the_implementation_takes_every_thread(
    impl: str, pinned: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN any one-thread implementation (whatever its name) WHEN measured THEN Arrow is pinned."""
    src = tmp_path / "in.csv"
    src.write_text("transaction_id,customer_id,amount,timestamp\nt1,c,1.00,2024-01-01\n")
    out, res = tmp_path / "out.csv", tmp_path / "res.json"
    fake = FakeArrow()
    monkeypatch.setitem(sys.modules, "pyarrow", fake)
    monkeypatch.setattr(sys, "argv", ["worker", impl, str(src), str(out), str(res)])
    worker.main()
    assert fake.sizes == ({"cpu": 1, "io": 1} if pinned else {})
    assert json.loads(res.read_text())["rows_valid"] == 1
