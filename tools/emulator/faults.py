"""Injected Lambda failures: a test makes chosen invocations fail as unhandled exceptions,
or chosen S3 event notifications get lost.

A test hook only: the pipeline code never sees it. The Lambda bridge asks ``Faults.take``
before it runs a function, and returns the fault's error instead when one matches; the S3
notification bridge asks ``Faults.lost`` before it delivers an event, and drops it when one
matches (S3 delivers "at least once", yet an event that never starts an execution is what
the sweeper heals: docs/pipeline.md §9).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass
class Fault:
    """Make the next ``times`` invocations of a function fail as an unhandled exception."""

    function: str  # matched case-insensitively against the function name and handler
    times: int
    key_contains: str = ""  # only events whose JSON contains this string
    error_type: str = "InjectedFault"
    used: int = 0

    def matches(self, name: str, handler: str, event_json: str) -> bool:
        """Whether this fault applies to an invocation."""
        needle = self.function.lower()
        return (
            self.used < self.times
            and (needle in name.lower() or needle in handler.lower())
            and self.key_contains in event_json
        )


class Faults:
    """The faults injected into one emulator, taken by invocations in order."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lost: list[Fault] = []
        self._lock = threading.Lock()

    def lose_events(self, key_contains: str, times: int = 1) -> Fault:
        """Drop the next ``times`` S3 notifications whose JSON contains ``key_contains``."""
        fault = Fault("", times, key_contains, error_type="LostEvent")
        with self._lock:
            self._lost.append(fault)
        return fault

    def lost(self, event_json: str) -> bool:
        """Whether this S3 notification is to be dropped (counted as used)."""
        with self._lock:
            for fault in self._lost:
                if fault.matches("", "", event_json):
                    fault.used += 1
                    return True
        return False

    def inject(
        self, function: str, times: int, key_contains: str = "", error_type: str = "InjectedFault"
    ) -> Fault:
        """Fail the next ``times`` matching invocations as if the handler raised ``error_type``."""
        fault = Fault(function, times, key_contains, error_type)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, name: str, handler: str, event_json: str) -> Fault | None:
        """The first fault that applies to this invocation, counted as used; else None."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(name, handler, event_json):
                    fault.used += 1
                    return fault
        return None
