"""The emulator itself: moto's server on 127.0.0.1 in this process, with every bridge applied.

An ``Emulator`` owns everything one run has: the injected faults, the invocation log, the
Lambda runtimes, the time scale, the endpoint and the patches applied to moto. The bridges
patch moto in-process, which is why the server runs in this Python process
(``ThreadedMotoServer``): the real ``aws`` CLI and boto3 talk to it over HTTP through
``AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterator
from typing import Any

import moto

from tools.emulator.bridges import apply_all
from tools.emulator.calls import CallHooks
from tools.emulator.context import Context
from tools.emulator.environment import UNREACHABLE_ENDPOINT, client_environment
from tools.emulator.faults import Faults
from tools.emulator.iam import Authorizer, Ledger
from tools.emulator.invocations import Invocation, InvocationLog
from tools.emulator.lambda_workers import LambdaRuntimes
from tools.emulator.patches import Patches
from tools.emulator.principals import Principals
from tools.emulator.version import check_moto_version

#: AWS waits are this much shorter on the emulator (see ``Context.time_scale``).
DEFAULT_TIME_SCALE = 0.01

# Set on the moto module while an emulator's bridges are applied: moto is one per process,
# so a second emulator patching it at the same time would corrupt the first one's undo.
_BRIDGED_BY = "_etl_emulator_bridged_by"


class Emulator:
    """moto's server on 127.0.0.1 (free port) in this process, bridged; a context manager.

    While it runs, ``os.environ`` points boto3 and the ``aws`` CLI at it (endpoint, fake
    credentials, region); leaving restores the previous environment. ``bridged()`` applies
    the bridges without a server (the tests of single bridges, under ``mock_aws``).
    """

    def __init__(
        self,
        region: str = "us-east-1",
        time_scale: float = DEFAULT_TIME_SCALE,
        enforce_iam: bool = True,
    ) -> None:
        self.region = region
        self.endpoint = UNREACHABLE_ENDPOINT
        self.faults = Faults()
        self.invocation_log = InvocationLog()
        self.principals = Principals()
        self.runtimes = LambdaRuntimes(lambda: self.endpoint, self.principals)
        #: Functions' and state machines' calls checked against their roles (``iam/``).
        self.authorizer = Authorizer(self.principals) if enforce_iam else None
        self.patches = Patches()
        #: What the bridges receive: this emulator's patches and state.
        self.context = Context(
            self.patches,
            self.faults,
            self.invocation_log,
            self.runtimes,
            time_scale,
            principals=self.principals,
            iam=self.authorizer,
        )
        self._server: Any = None
        self._saved_env: dict[str, str | None] = {}

    @property
    def calls(self) -> CallHooks:
        """The hooks every AWS call passes (fault injection, IAM): see ``calls.py``."""
        return self.context.calls

    @property
    def iam(self) -> Ledger:
        """Every IAM decision so far (empty when IAM enforcement is off)."""
        return self.authorizer.ledger if self.authorizer else Ledger()

    @property
    def time_scale(self) -> float:
        """How much shorter AWS waits are here (see ``Context.time_scale``)."""
        return self.context.time_scale

    def invocations(self, function: str = "", key_contains: str = "") -> list[Invocation]:
        """Invocations so far whose function name contains ``function`` and event ``key_contains``."""
        return self.invocation_log.find(function, key_contains)

    @property
    def env(self) -> dict[str, str]:
        """The variables that point a client at this emulator."""
        return client_environment(self.endpoint, self.region)

    def apply_bridges(self) -> None:
        """Patch moto with every bridge (once); ``remove_bridges`` undoes it exactly."""
        check_moto_version()
        if self.patches:
            return
        if getattr(moto, _BRIDGED_BY, None) is not None:
            raise RuntimeError("moto is already bridged by another Emulator: stop that one first")
        self.patches.set(moto, _BRIDGED_BY, self)
        apply_all(self.context)

    def remove_bridges(self) -> None:
        """Stop the Lambda environments; restore moto exactly as it was before the bridges."""
        self.runtimes.close()
        self.patches.undo()

    @contextlib.contextmanager
    def bridged(self) -> Iterator[Emulator]:
        """``with emu.bridged():`` — moto patched for the block only, no server."""
        self.apply_bridges()
        try:
            yield self
        finally:
            self.remove_bridges()

    def start(self) -> Emulator:
        """Apply the bridges, start the server on an empty account, point ``os.environ`` at it."""
        from moto.moto_api._internal import moto_api_backend
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log per request
        # moto's ASL interpreter logs every caught state error (expected on failure paths);
        # the execution history has them. Unsupported-resource warnings (alarms, bucket and
        # topic policies) are listed in the README's emulator section instead.
        logging.getLogger("moto.stepfunctions").setLevel(logging.CRITICAL)
        logging.getLogger("moto").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", message="Tried to parse AWS::", category=UserWarning)
        self.apply_bridges()
        # moto's backends are process-wide: without this, an emulator started after another
        # one (or after a moto test) would find that one's stacks, buckets and tables.
        moto_api_backend.reset()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        # moto's Step Functions interpreter calls its service integrations (lambda:invoke,
        # dynamodb:putItem, sns:publish) at http://localhost:$MOTO_PORT.
        self._saved_env = _set_environ({**self.env, "MOTO_PORT": str(port), "AWS_PROFILE": None})
        return self

    def stop(self) -> None:
        """Stop the Lambda environments and the server; remove the bridges; restore the env."""
        self.runtimes.close()
        if self._server is not None:
            self._server.stop()
            self._server = None
        self.remove_bridges()
        _set_environ(self._saved_env)
        self._saved_env = {}

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _set_environ(values: dict[str, str | None]) -> dict[str, str | None]:
    """Set (None: unset) variables of ``os.environ``; return what they were before."""
    previous = {name: os.environ.get(name) for name in values}
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    return previous
