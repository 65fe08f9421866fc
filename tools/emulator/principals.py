"""Who makes each AWS call: a function, the state machine, or the harness (deploy, tests).

Each function's execution environment and each state machine's service integrations sign
their calls with a session of their own execution role, as on AWS: ``Principals.session``
assumes the role through moto's STS backend (the ``ASIA...`` key, secret and session token
AssumeRole returns; GetCallerIdentity answers with the assumed-role ARN). The call seam
(``calls.py``) tells whose call it serves from the request's access key: fault injection
targets one function's calls, IAM enforcement checks a call against the caller's role.
Anything else (the aws CLI, boto3 in the harness) signs with ``FAKE_CREDENTIALS`` and is
the harness.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from enum import StrEnum

#: What STS takes as a role session name.
_SESSION_NAME = re.compile(r"[^\w+=,.@-]")
SESSION_SECONDS = 12 * 3600  # the longest role session; moto does not expire them anyway


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
    #: The identity they sign as: ``arn:aws:sts::<account>:assumed-role/<role>/<session>``.
    arn: str = ""

    def environment(self) -> dict[str, str]:
        """As the standard AWS_* variables."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_SESSION_TOKEN": self.session_token,
        }


def assume_role(role_arn: str, session_name: str) -> Credentials:
    """A session of ``role_arn`` from moto's STS backend (in-process AssumeRole)."""
    from moto.sts.models import sts_backends
    from moto.utilities.utils import get_partition

    partition, account = role_arn.split(":")[1], role_arn.split(":")[4]
    region = {"aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}.get(partition, "us-east-1")
    session = sts_backends[account][get_partition(region)].assume_role(
        region_name=region,
        role_session_name=_SESSION_NAME.sub("-", session_name)[:64] or "session",
        role_arn=role_arn,
        policy="",
        duration=SESSION_SECONDS,
        external_id="",
    )
    return Credentials(
        str(session.access_key_id),
        str(session.secret_access_key),
        str(session.session_token),
        str(session.arn),
    )


def _roleless(principal: Principal) -> Credentials:
    """Credentials of a caller without a role: known to the seam, allowed nothing."""
    digest = hashlib.sha256(f"{principal.kind}|{principal.name}".encode()).hexdigest()
    key = "ASIA" + digest[:16].upper()
    return Credentials(key, "emulator-" + key.lower(), "emulator-session")


class Principals:
    """The principals of one emulator, by the access key each signs with."""

    def __init__(self) -> None:
        self._by_key: dict[str, tuple[Principal, Credentials]] = {}
        self._sessions: dict[Principal, Credentials] = {}
        self._lock = threading.Lock()

    def credentials(self, principal: Principal) -> Credentials:
        """A session of the principal's role, assumed once and reused (as a warm environment)."""
        with self._lock:
            session = self._sessions.get(principal)
            if session is None:
                session = (
                    assume_role(principal.role_arn, principal.name)
                    if principal.role_arn
                    else _roleless(principal)
                )
                self._sessions[principal] = session
                self._by_key[session.access_key] = (principal, session)
            return session

    def of(self, access_key: str) -> Principal:
        """Who signs with ``access_key``: a registered principal, else the harness."""
        with self._lock:
            found = self._by_key.get(access_key)
        return found[0] if found else HARNESS

    def session_arn(self, access_key: str) -> str:
        """The assumed-role ARN ``access_key`` signs as ("" for the harness)."""
        with self._lock:
            found = self._by_key.get(access_key)
        return found[1].arn if found else ""
