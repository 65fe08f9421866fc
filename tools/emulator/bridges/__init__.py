"""Every bridge over a gap between moto and AWS, one module per AWS service.

Each bridge is a function ``(Context) -> None`` whose comment says what moto does and what
AWS does; ``tests/tools/emulator/bridges/`` shows each gap on plain moto, then closed. A new
service's bridges (or a new concern's, such as IAM enforcement) go in a new module here and
one line in ``ALL``.
"""

from __future__ import annotations

from tools.emulator.bridges import (
    awslambda,
    cloudformation,
    iam,
    kms,
    requests,
    s3,
    stepfunctions,
)
from tools.emulator.context import Bridge, Context

ALL: tuple[Bridge, ...] = (
    *requests.BRIDGES,
    *iam.BRIDGES,
    *awslambda.BRIDGES,
    *s3.BRIDGES,
    *cloudformation.BRIDGES,
    *stepfunctions.BRIDGES,
    *kms.BRIDGES,
)


def apply_all(ctx: Context) -> None:
    """Apply every bridge; each records its patches on ``ctx``, so removing them is exact."""
    for bridge in ALL:
        bridge(ctx)
