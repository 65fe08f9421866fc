"""The tools' tests deploy the mini fixture stack on a running emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tools.mini import write_build
from tools.emulator import Emulator


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """The emulator, started once per test module (it patches moto process-wide)."""
    with Emulator() as running:
        yield running


@pytest.fixture
def build(tmp_path: Path) -> Path:
    """A build folder with the mini function's zip and manifest."""
    return write_build(tmp_path)
