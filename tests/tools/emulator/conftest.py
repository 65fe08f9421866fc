"""Every emulator test runs with fake credentials and no endpoint: nothing can reach AWS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.tools.emulator.helpers import REGION
from tools.emulator import FAKE_CREDENTIALS, Emulator


@pytest.fixture(autouse=True)
def _fake_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """An emulator that is not started: ``with emu.bridged():`` patches moto for a block.

    Until a server runs, its functions' AWS calls go to a closed port.
    """
    emulator = Emulator(REGION)
    yield emulator
    emulator.stop()
