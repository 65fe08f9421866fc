"""What a bridge receives from its emulator: where to record patches, and the state it uses.

A bridge is a function ``(Context) -> None`` that patches moto through ``Context.patch`` only,
so the emulator can undo it exactly. New kinds of emulator state (faults at the AWS-call
level, IAM sessions) become new fields here, built by ``Emulator``; no bridge reaches for a
global.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tools.emulator.calls import CallHooks
from tools.emulator.faults import Faults
from tools.emulator.iam.authorizer import Authorizer
from tools.emulator.invocations import InvocationLog
from tools.emulator.lambda_workers import LambdaRuntimes
from tools.emulator.patches import Patches
from tools.emulator.principals import Principals


@dataclass(frozen=True)
class Context:
    """One emulator's patches, faults, invocation log, Lambda runtimes and time scale."""

    patches: Patches
    faults: Faults
    invocations: InvocationLog
    runtimes: LambdaRuntimes
    #: AWS waits (Step Functions retry intervals, async-invoke retry delays) are multiplied
    #: by this, so a "retry after 2 s, backoff 2" policy takes 20 ms, 40 ms... at 0.01.
    time_scale: float
    #: What runs around every AWS call the emulator serves (``calls.py``).
    calls: CallHooks = field(default_factory=CallHooks)
    #: Who signs with which credentials (functions, state machines; else the harness).
    principals: Principals = field(default_factory=Principals)
    #: Checks every call of a function or state machine against its role (None: IAM off).
    iam: Authorizer | None = None
    #: How a wait is spent in real time (a test may record the waits instead).
    real_sleep: Callable[[float], None] = time.sleep

    def patch(self, target: Any, name: str, value: Any) -> None:
        """Replace ``target.name`` (or ``target[name]``) until the emulator removes its bridges."""
        self.patches.set(target, name, value)

    def sleep(self, seconds: float) -> None:
        """Wait what AWS would wait, scaled by ``time_scale``."""
        self.real_sleep(seconds * self.time_scale)


#: One bridge: patches moto (through ``Context.patch``) to close one gap with AWS.
Bridge = Callable[[Context], None]
