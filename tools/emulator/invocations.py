"""The log of every Lambda invocation an emulator ran, for tests to assert on."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any


@dataclass
class Invocation:
    """One Lambda invocation as the emulator ran it."""

    function_name: str
    event: Any
    ok: bool
    payload: str
    duration: float


class InvocationLog:
    """Invocations in the order they finished (threads record concurrently)."""

    def __init__(self) -> None:
        self._invocations: list[Invocation] = []
        self._lock = threading.Lock()

    def record(self, invocation: Invocation) -> None:
        """Append one finished invocation."""
        with self._lock:
            self._invocations.append(invocation)

    def find(self, function: str = "", key_contains: str = "") -> list[Invocation]:
        """Invocations whose function name contains ``function`` and event ``key_contains``."""
        with self._lock:
            found = list(self._invocations)
        return [
            i
            for i in found
            if function.lower() in i.function_name.lower() and key_contains in json.dumps(i.event)
        ]
