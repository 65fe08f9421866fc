"""The Tracer loads the X-Ray SDK only where tracing is on (each case in a fresh interpreter,
as a cold start: sys.modules tells what the import of a handler loaded)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from contract.deployment import TRANSFORMATION_HANDLER, VALIDATION_HANDLER

ROOT = Path(__file__).resolve().parents[3]
HANDLERS = [h.rpartition(".")[0] for h in (VALIDATION_HANDLER, TRANSFORMATION_HANDLER)]
LAMBDA = {
    "LAMBDA_TASK_ROOT": "/var/task",
    "AWS_LAMBDA_FUNCTION_NAME": "f",
    "AWS_REGION": "us-east-1",
}
CHILD = """
import importlib, json, sys
handlers = [importlib.import_module(m) for m in sys.argv[1:]]
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("aws_xray_sdk", "wrapt"))
patched = []
if "aws_xray_sdk.core" in sys.modules:  # asked only once the handler loaded it
    from aws_xray_sdk.core import patcher
    patched = sorted(patcher._PATCHED_MODULES)
print(json.dumps({
    "loaded": loaded,
    "providers": sorted({type(h.tracer.provider).__name__ for h in handlers}),
    "disabled": sorted({h.tracer.disabled for h in handlers}),
    "patched": patched,
}))
"""


def _cold_import(env: dict[str, str]) -> dict[str, object]:
    """Import both handlers in a fresh interpreter with `env` (and no AWS variable of ours)."""
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LAMBDA_", "POWERTOOLS_"))
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *HANDLERS],
        env={**base, "PYTHONPATH": str(ROOT), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "env", [{**LAMBDA, "POWERTOOLS_TRACE_DISABLED": "true"}, {}], ids=["disabled", "outside-lambda"]
)
def test_the_handlers_load_no_x_ray_module_where_tracing_is_off(env: dict[str, str]) -> None:
    seen = _cold_import(env)

    # only the SDK's switch (aws_xray_sdk.global_sdk_config, which Powertools turns off)
    assert seen["loaded"] == ["aws_xray_sdk", "aws_xray_sdk.sdk_config"]
    assert (seen["providers"], seen["disabled"]) == (["NoTracing"], [True])


def test_where_tracing_is_on_the_handlers_trace_with_x_ray_and_patch_the_aws_sdk_only() -> None:
    seen = _cold_import(LAMBDA)

    assert (seen["providers"], seen["disabled"]) == (["AsyncAWSXRayRecorder"], [False])
    assert seen["patched"] == ["botocore"]
