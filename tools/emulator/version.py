"""The one moto version the bridges are written against, and the check that refuses any other."""

from __future__ import annotations

import moto

MOTO_VERSION = "5.2.5"


class EmulatorVersionError(RuntimeError):
    """moto is not the version the bridges were written and tested against."""


def check_moto_version() -> None:
    """Refuse to run on another moto: the bridges patch its internals."""
    if moto.__version__ != MOTO_VERSION:
        raise EmulatorVersionError(
            f"tools/emulator bridges moto {MOTO_VERSION} but moto {moto.__version__} is "
            "installed: install requirements/dev.lock, or re-verify every bridge "
            "(tests/tools/emulator/bridges/) before changing MOTO_VERSION."
        )
