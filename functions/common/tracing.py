"""The functions' Powertools Tracer, which loads the X-Ray SDK only where tracing is on.

Powertools' Tracer imports `aws_xray_sdk.core` (the recorder, wrapt and with it asyncio,
~50 ms of a cold start) even when tracing is disabled, because its default provider is the
X-Ray recorder. Where tracing is off (POWERTOOLS_TRACE_DISABLED, or outside Lambda: the
emulator, the tests, a local run) `tracer()` gives it a provider that records nothing, so
the SDK is never imported; where it is on (the deployed functions, Active tracing), the
Tracer is exactly Powertools' default with the AWS SDK patched (clients.TRACED_MODULES).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncGenerator, Generator, Sequence
from typing import Any

from aws_lambda_powertools import Tracer
from aws_lambda_powertools.shared import constants
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

from functions.common.clients import TRACED_MODULES


def tracing_disabled() -> bool:
    """Powertools' own rule (Tracer._is_tracer_disabled): disabled by POWERTOOLS_TRACE_DISABLED,
    or outside Lambda (no LAMBDA_TASK_ROOT), or under SAM local / Chalice local."""
    if resolve_truthy_env_var_choice(env=os.getenv(constants.TRACER_DISABLED_ENV, "false")):
        return True
    local = os.getenv(constants.SAM_LOCAL_ENV) or os.getenv(constants.CHALICE_LOCAL_ENV)
    return not os.getenv(constants.LAMBDA_TASK_ROOT_ENV) or bool(local)


def tracer() -> Tracer:
    """The Tracer of a function module: X-Ray with the AWS SDK patched, or one that traces
    nothing and imports no X-Ray module when tracing is off."""
    if tracing_disabled():
        return Tracer(disabled=True, auto_patch=False, provider=NoTracing())
    return Tracer(patch_modules=TRACED_MODULES)


class _NoSegment(BaseSegment):
    """A segment that records nothing."""

    def close(self, end_time: int | None = None) -> None:
        """Nothing to close."""

    def add_subsegment(self, subsegment: Any) -> None:
        """Nothing recorded."""

    def remove_subsegment(self, subsegment: Any) -> None:
        """Nothing recorded."""

    def put_annotation(self, key: str, value: Any) -> None:
        """Nothing recorded."""

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        """Nothing recorded."""

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        """Nothing recorded."""


class NoTracing(BaseProvider):
    """The provider where tracing is off: every subsegment is a `_NoSegment`."""

    @contextlib.contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Generator[BaseSegment]:
        """A subsegment that records nothing."""
        yield _NoSegment()

    @contextlib.asynccontextmanager
    async def in_subsegment_async(
        self, name: str | None = None, **kwargs: Any
    ) -> AsyncGenerator[BaseSegment]:
        """A subsegment that records nothing."""
        yield _NoSegment()

    def put_annotation(self, key: str, value: Any) -> None:
        """Nothing recorded."""

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        """Nothing recorded."""

    def patch(self, modules: Sequence[str]) -> None:
        """Nothing patched."""

    def patch_all(self) -> None:
        """Nothing patched."""
