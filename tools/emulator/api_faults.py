"""Faults at the AWS-call level, and the log of every call the pipeline makes.

``ApiFaults`` hooks into the call seam (``calls.py``) and acts only on the pipeline's own
calls: those signed by a function or by the state machine (``principals.py``), never the
harness's. A fault matches by service, API operation, caller kind and a string in the
request (its path or body: a key); it fires N times or with probability p (a seeded RNG,
so a run can be repeated) and then refuses the call with an AWS error, adds latency, or lets
the call happen and loses its response (the caller sees a 500 and retries).

``CallLog`` records each of those calls in the order the emulator served them, with the
status moto answered (before any lost response), so a checker can prove an order such as
"outcome written before raw/ deleted". Which of two concurrent calls comes first depends on
thread scheduling; everything else about a seeded run is repeatable.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tools.emulator.calls import AwsCall, AwsError, CallHooks, error_body
from tools.emulator.principals import Kind

#: What each service answers when it throttles or is briefly unavailable.
TRANSIENT_ERRORS: Mapping[str, tuple[str, int]] = {
    "dynamodb": ("ProvisionedThroughputExceededException", 400),
    "sns": ("Throttling", 400),
    "s3": ("SlowDown", 503),
    "lambda": ("TooManyRequestsException", 429),
    "stepfunctions": ("ThrottlingException", 400),
    "sqs": ("RequestThrottled", 403),
}
PIPELINE = frozenset({Kind.FUNCTION, Kind.STATE_MACHINE})


@dataclass
class ApiFault:
    """One rule: which calls it hits, how often, and what it does to them."""

    service: str = ""  # boto3's service name; "" for any
    operation: str = ""  # the API operation ("PutItem", "CopyObject"); "" for any
    # A string the request's path or body must contain. The seam has no body for the
    # query-protocol services (SNS, SQS: moto has parsed their form already): match those
    # by operation.
    key_contains: str = ""
    callers: frozenset[Kind] = PIPELINE
    times: int | None = None  # at most this many hits; None for no limit
    probability: float = 1.0
    error: str = ""  # the AWS error code ("" for the service's TRANSIENT_ERRORS one)
    status: int = 0
    latency: float = 0.0  # seconds added before the call (then it goes on unless erroring)
    lose_response: bool = False  # the call happens; the caller gets a 500 instead
    only_latency: bool = False  # add latency, never fail
    # Hold the call until this is true instead of a fixed wait (``latency`` is then the
    # longest hold): "B overtakes A" becomes an order, not a race against the machine's load.
    until: Callable[[], bool] | None = None
    hits: int = 0

    def matches(self, call: AwsCall) -> bool:
        """Whether this rule applies to ``call`` (before the dice)."""
        if call.principal.kind not in self.callers or call.principal.kind is Kind.HARNESS:
            return False
        if self.service and call.service != self.service:
            return False
        if self.operation and call.operation != self.operation:
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        return not self.key_contains or self.key_contains in _haystack(call)

    def refusal(self, service: str) -> AwsError:
        """The AWS error this rule answers with."""
        code, status = TRANSIENT_ERRORS.get(service, ("ServiceUnavailable", 503))
        return AwsError(self.error or code, "injected fault", self.status or status)


def _hold(condition: Callable[[], bool], longest: float) -> None:
    deadline = time.monotonic() + longest
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def _haystack(call: AwsCall) -> str:
    return call.path + "\n" + call.body.decode(errors="replace")


@dataclass
class ApiFaults:
    """The API-level faults of one emulator, attached to its call hooks."""

    calls: CallHooks
    seed: int = 0
    rules: list[ApiFault] = field(default_factory=list)
    fired: list[tuple[str, str, str]] = field(default_factory=list)  # (service, op, effect)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _lost: threading.local = field(default_factory=threading.local)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 - fault dice, not cryptography
        self.calls.before.append(self._before)
        self.calls.after.append(self._after)

    def inject(self, **rule: object) -> ApiFault:
        """Add a rule (``ApiFault`` fields); it applies from the next call on."""
        fault = ApiFault(**rule)  # type: ignore[arg-type]
        with self._lock:
            self.rules.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every rule (the fired log stays)."""
        with self._lock:
            self.rules.clear()

    def reseed(self, seed: int) -> None:
        """Restart the dice from ``seed``."""
        with self._lock:
            self.seed, self.rng = seed, random.Random(seed)  # noqa: S311 - fault dice

    def _pick(self, call: AwsCall) -> ApiFault | None:
        with self._lock:
            for fault in self.rules:
                if fault.matches(call) and self.rng.random() < fault.probability:
                    fault.hits += 1
                    return fault
        return None

    def _before(self, call: AwsCall) -> None:
        self._lost.call = None
        fault = self._pick(call)
        if fault is None:
            return
        if fault.until is not None:
            _hold(fault.until, fault.latency)
        elif fault.latency:
            time.sleep(fault.latency)
        if fault.only_latency:
            self._record(call, "latency")
            return
        if fault.lose_response:
            self._lost.call = call
            self._record(call, "lost response")
            return
        self._record(call, "error")
        raise fault.refusal(call.service)

    def _after(
        self, call: AwsCall, status: int, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, str], bytes] | None:
        if getattr(self._lost, "call", None) is not call:
            return None
        self._lost.call = None
        error = AwsError("InternalError", "injected: the response was lost", 500)
        out_headers, body = error_body(call.service, error)
        return 500, out_headers, body.encode()

    def _record(self, call: AwsCall, effect: str) -> None:
        with self._lock:
            self.fired.append((call.service, call.operation, effect))


@dataclass(frozen=True)
class LoggedCall:
    """One pipeline call as served: its place in the order, who, what, and moto's status."""

    index: int
    caller: Kind
    service: str
    operation: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    status: int


@dataclass
class CallLog:
    """Every call of the pipeline (functions, state machine) in the order it was answered."""

    calls: CallHooks
    entries: list[LoggedCall] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        # First in the after hooks: it sees moto's own status, before a fault replaces it.
        self.calls.after.insert(0, self._after)

    def _after(
        self, call: AwsCall, status: int, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, str], bytes] | None:
        if call.principal.kind in PIPELINE:
            with self._lock:
                self.entries.append(
                    LoggedCall(
                        len(self.entries),
                        call.principal.kind,
                        call.service,
                        call.operation,
                        call.path,
                        call.query,
                        call.headers,
                        status,
                    )
                )
        return None

    def snapshot(self) -> list[LoggedCall]:
        """The calls so far, in order."""
        with self._lock:
            return list(self.entries)
