"""The bridges refuse any moto but the one they were verified against."""

from __future__ import annotations

import moto
import pytest

from tools.emulator import Emulator
from tools.emulator.version import MOTO_VERSION, EmulatorVersionError, check_moto_version


def test_the_installed_moto_is_the_pinned_one() -> None:
    assert moto.__version__ == MOTO_VERSION
    check_moto_version()


def test_another_moto_is_refused_before_any_bridge_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(moto, "__version__", "5.3.0")
    emulator = Emulator()

    with pytest.raises(EmulatorVersionError, match="re-verify every bridge"):
        emulator.apply_bridges()
    assert not emulator.patches
