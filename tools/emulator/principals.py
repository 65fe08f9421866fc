"""Who makes each AWS call: a function, the state machine, or the harness (deploy, tests).

Each function's execution environment and each state machine's service integrations sign
their calls with credentials of their own (``Principals.credentials``), so the call seam
(``calls.py``) can tell whose call it serves from the request's access key: fault injection
targets one function's calls, IAM enforcement checks a call against the caller's role.
Anything else (the aws CLI, boto3 in the harness) signs with ``FAKE_CREDENTIALS`` and is
the harness.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What sort of caller a principal is."""

    FUNCTION = "function"
    STATE_MACHINE = "state-machine"
    HARNESS = "harness"


@dataclass(frozen=True)
class Principal:
    """A caller: its kind, a readable name and the IAM role it acts as ("" for the harness)."""

    kind: Kind
    name: str
    role_arn: str = ""


HARNESS = Principal(Kind.HARNESS, "harness")


@dataclass(frozen=True)
class Credentials:
    """Credentials a principal signs with (never valid anywhere but on the emulator)."""

    access_key: str
    secret_key: str
    session_token: str

    def environment(self) -> dict[str, str]:
        """As the standard AWS_* variables."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_SESSION_TOKEN": self.session_token,
        }


def _access_key(principal: Principal) -> str:
    # 20 characters, as AWS access keys are (moto reads the key from the Authorization header
    # only in that shape); "ASIA" marks temporary session credentials on AWS.
    digest = hashlib.sha256(f"{principal.kind}|{principal.role_arn}|{principal.name}".encode())
    return "ASIA" + digest.hexdigest()[:16].upper()


class Principals:
    """The principals of one emulator, by the access key each signs with."""

    def __init__(self) -> None:
        self._by_key: dict[str, Principal] = {}
        self._lock = threading.Lock()

    def credentials(self, principal: Principal) -> Credentials:
        """The credentials ``principal`` signs with (the same ones every time)."""
        key = _access_key(principal)
        with self._lock:
            self._by_key[key] = principal
        return Credentials(key, "emulator-" + key.lower(), "emulator-session")

    def of(self, access_key: str) -> Principal:
        """Who signs with ``access_key``: a registered principal, else the harness."""
        with self._lock:
            return self._by_key.get(access_key, HARNESS)
