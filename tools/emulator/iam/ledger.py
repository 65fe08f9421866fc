"""Every IAM decision the emulator made: who asked for what, and which statement decided.

``make local`` prints ``summary()`` and each denial; the e2e suite fails the test during
which a denial happened, and compares ``grants()`` (which statement allowed something at
least once) with the permissions it pins per role.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from tools.emulator.iam.policy import Decision, Grant


@dataclass(frozen=True)
class Entry:
    """One authorized (or refused) request of one call."""

    caller: str  # the principal's name: a function name, or the state machine's role name
    role_arn: str
    session_arn: str
    service: str
    operation: str
    action: str
    resource: str
    decision: Decision
    reason: str = ""  # why a denial happened when no policy decided (an unmapped call)

    @property
    def allowed(self) -> bool:
        return self.decision.allowed

    def describe(self) -> str:
        """One line: who, what, on which resource, and what decided."""
        if self.allowed:
            grant = self.decision.grant
            decided = f"allowed by {grant.policy}[{grant.statement}]" if grant else "allowed"
        else:
            decided = "DENIED: " + (self.reason or self.decision.effect.value)
        return f"{self.caller}: {self.service} {self.operation} -> {self.action} on {self.resource} ({decided})"


class Ledger:
    """The decisions of one emulator, in order (calls arrive on many threads)."""

    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._lock = threading.Lock()

    def record(self, entry: Entry) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, since: int = 0) -> list[Entry]:
        """Every decision from position ``since`` on (``mark()`` gives a position)."""
        with self._lock:
            return list(self._entries[since:])

    def mark(self) -> int:
        """The current position, for ``denials(since=...)`` later."""
        with self._lock:
            return len(self._entries)

    def denials(self, since: int = 0) -> list[Entry]:
        """The refused requests from position ``since`` on."""
        return [e for e in self.entries(since) if not e.allowed]

    def grants(self) -> set[tuple[str, Grant]]:
        """(role ARN, statement element) of every grant that allowed a request."""
        return {
            (e.role_arn, e.decision.grant)
            for e in self.entries()
            if e.allowed and e.decision.grant is not None
        }

    def summary(self) -> str:
        """``IAM: N allowed, M denied``."""
        entries = self.entries()
        denied = sum(not e.allowed for e in entries)
        return f"IAM: {len(entries) - denied} allowed, {denied} denied"
