"""A Lambda execution environment for the emulator: one warm worker process per function.

Run by ``tools.emulator.lambda_workers`` as ``python -I lambda_runtime.py CODE_DIR HANDLER`` with the function's
environment variables already set. It imports the handler from the extracted deployment zip
(``CODE_DIR`` first on ``sys.path``, like ``/var/task``), then serves invocations: one JSON line
per event on stdin, one JSON line per result on a private copy of stdout. The handler's own
stdout/stderr (Powertools JSON logs) are captured per invocation and returned as ``logs``.

This file must import nothing from the repository: it runs isolated (``-I``) so the function
sees only its zip and the installed packages, as in Lambda.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import time
import traceback
from typing import Any


class FakeContext:
    """The attributes of the Lambda context object that handlers and Powertools read."""

    def __init__(self, request_id: str, deadline: float) -> None:
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "function")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = os.environ.get("ETL_EMULATOR_FUNCTION_ARN", "")
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function's timeout."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _error_payload(exc: BaseException, request_id: str) -> dict[str, Any]:
    """The payload Lambda returns for an unhandled exception."""
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }


def _invoke(handler: Any, init_error: Exception | None, request: dict[str, Any]) -> dict[str, Any]:
    """Run one event with the handler's stdout/stderr captured as the invocation's logs."""
    request_id = request["request_id"]
    context = FakeContext(request_id, time.monotonic() + float(request["timeout"]))
    with tempfile.TemporaryFile() as log_file:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(log_file.fileno(), 1)
        os.dup2(log_file.fileno(), 2)
        try:
            if init_error is not None:
                raise init_error
            result: Any = handler(request["event"], context)
            response = {"ok": True, "payload": json.dumps(result)}
        except Exception as exc:
            response = {"ok": False, "payload": json.dumps(_error_payload(exc, request_id))}
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        log_file.seek(0)
        response["logs"] = log_file.read().decode("utf-8", "replace")
    return response


def main() -> None:
    """Import the handler once (init phase), then serve invocations until stdin closes."""
    code_dir, handler_path = sys.argv[1], sys.argv[2]
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the handler's prints must never corrupt the protocol stream
    sys.path.insert(0, code_dir)
    os.chdir(code_dir)
    module_name, _, function_name = handler_path.rpartition(".")
    handler: Any = None
    init_error: Exception | None = None
    try:
        handler = getattr(importlib.import_module(module_name), function_name)
    except Exception as exc:  # an init error fails every invocation, as in Lambda
        init_error = exc
    for line in sys.stdin:
        protocol.write(json.dumps(_invoke(handler, init_error, json.loads(line))) + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
