"""Lambda execution environments: warm worker processes running the deployed zip.

Each function version (code + configuration) gets a pool of worker processes, started on
demand up to a concurrency cap and kept warm between invocations, as Lambda keeps its
environments. A worker runs ``lambda_runtime.py`` with ``python -I``: it sees only the
extracted zip and the installed packages, never this repository.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import queue
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from contract.environment import Env
from tools.emulator.environment import client_environment
from tools.emulator.principals import Credentials, Kind, Principal, Principals

RUNTIME_SCRIPT = Path(__file__).with_name("lambda_runtime.py")
#: Environments per function version; more concurrent invocations wait for a free one.
DEFAULT_CONCURRENCY = 3


def runtime_error(error_type: str, message: str) -> str:
    """A payload in the shape Lambda returns for an error, so Retry/Catch see its type."""
    return json.dumps({"errorType": error_type, "errorMessage": message})


class Worker:
    """One execution environment: a process that imported the handler from the zip."""

    def __init__(self, code_dir: Path, handler: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own runtime script, fixed argv
            [sys.executable, "-I", str(RUNTIME_SCRIPT), str(code_dir), handler],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )

    def invoke(self, event: Any, timeout: float) -> tuple[bool, str, str]:
        """Run one event; (ok, payload, logs). A timeout kills the environment, as Lambda does."""
        assert self.process.stdin is not None and self.process.stdout is not None
        request_id = str(uuid.uuid4())
        request = {"event": event, "request_id": request_id, "timeout": timeout}
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError):  # exited, or closed by a stop meanwhile
            return False, runtime_error("Runtime.ExitError", "the runtime exited"), ""
        ready, _, _ = select.select([self.process.stdout], [], [], timeout + 5)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.close()
            message = f"Task timed out after {timeout:.2f} seconds" if not ready else "exited"
            return False, runtime_error("Sandbox.Timedout", message), ""
        response = json.loads(line)
        return bool(response["ok"]), str(response["payload"]), str(response["logs"])

    @property
    def alive(self) -> bool:
        """Whether the process can take another invocation."""
        return self.process.poll() is None

    def close(self, kill: bool = False) -> None:
        """Stop the process (end of stdin ends its loop); ``kill``: at once, mid-invocation too."""
        if kill:
            self.process.kill()
        with contextlib.suppress(OSError):
            if self.process.stdin:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def function_environment(
    fn: Any, endpoint: str, credentials: Credentials | None = None
) -> dict[str, str]:
    """What Lambda sets for a function (plus its own variables), pointed at ``endpoint``.

    ``credentials``: what the function signs its calls with (Lambda gives it its execution
    role's session); by default the harness's fake credentials.
    """
    region = str(fn.region)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        **client_environment(endpoint, region),
        **(credentials.environment() if credentials else {}),
        "AWS_LAMBDA_FUNCTION_NAME": str(fn.function_name),
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": str(fn.logs_group_name),
        "ETL_EMULATOR_FUNCTION_ARN": str(fn.function_arn),
        # No X-Ray daemon in the emulator: Powertools Tracer would only warn.
        Env.POWERTOOLS_TRACE_DISABLED: "true",
        **{str(k): str(v) for k, v in (fn.environment_vars or {}).items()},
    }


class FunctionWorkers:
    """The pool of execution environments of one function version (code + configuration)."""

    def __init__(
        self,
        fn: Any,
        code_dir: Path,
        endpoint: str,
        concurrency: int,
        credentials: Credentials | None = None,
    ) -> None:
        self.code_dir = code_dir
        self.handler = str(fn.handler)
        self.timeout = float(fn.timeout or 3)
        self.env = function_environment(fn, endpoint, credentials)
        self._idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._slots = threading.BoundedSemaphore(concurrency)
        self._workers: list[Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def invoke(self, event: Any) -> tuple[bool, str, str]:
        """Run the event on an idle environment, starting one if all are busy (up to the cap).

        Once the pool is closed it starts none: an invocation already past `LambdaRuntimes.get`
        when the emulator stops gets an error instead of a process nobody would stop, which
        would go on writing to a /tmp being removed.
        """
        with self._slots:
            with self._lock:  # a start and a close never interleave
                if self._closed:
                    return False, runtime_error("Runtime.Aborted", "the emulator stopped"), ""
                try:
                    worker = self._idle.get_nowait()
                except queue.Empty:
                    worker = Worker(self.code_dir, self.handler, self.env)
                    self._workers.append(worker)
            result = worker.invoke(event, self.timeout)
            if worker.alive:
                self._idle.put(worker)
            return result

    def close(self, kill: bool = False) -> None:
        """Stop every environment, and start none any more."""
        with self._lock:
            self._closed = True
            for worker in self._workers:
                worker.close(kill)
            self._workers.clear()


class LambdaRuntimes:
    """Every function's workers, keyed by what a new Lambda version would change.

    ``endpoint`` is asked when a function's first environment starts: the emulator's server
    address, known only once it runs.
    """

    def __init__(
        self,
        endpoint: Callable[[], str],
        principals: Principals | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self._endpoint = endpoint
        self._principals = principals or Principals()
        self._concurrency = concurrency
        self._by_key: dict[str, FunctionWorkers] = {}
        self._lock = threading.Lock()
        self._root: Path | None = None
        self._aborted = False

    def get(self, fn: Any) -> FunctionWorkers:
        """The workers for this function's current code and configuration."""
        fingerprint = json.dumps(
            [fn.function_arn, fn.code_sha_256, fn.handler, fn.environment_vars, fn.timeout],
            sort_keys=True,
            default=str,
        )
        key = hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
        with self._lock:
            if self._aborted:
                raise RuntimeError("the emulator's Lambda environments were aborted")
            workers = self._by_key.get(key)
            if workers is None:
                if self._root is None:
                    self._root = Path(tempfile.mkdtemp(prefix="etl-emulator-lambda-"))
                code_dir = self._root / key
                with zipfile.ZipFile(io.BytesIO(fn.code_bytes)) as archive:
                    archive.extractall(code_dir)
                caller = Principal(Kind.FUNCTION, str(fn.function_name), str(fn.role))
                workers = FunctionWorkers(
                    fn,
                    code_dir,
                    self._endpoint(),
                    self._concurrency,
                    self._principals.credentials(caller),
                )
                # Lambda gives each environment its own /tmp: here one beside the code, so
                # whatever a stopped or killed function left there goes with the root.
                tmp = self._root / f"{key}-tmp"
                tmp.mkdir()
                workers.env["TMPDIR"] = str(tmp)
                self._by_key[key] = workers
            return workers

    def abort(self) -> None:
        """For a process about to end (Ctrl-C): kill every environment mid-invocation, remove
        the extracted code and every function's /tmp, and start no environment any more."""
        with self._lock:
            self._aborted = True
        self.close(kill=True)

    def close(self, kill: bool = False) -> None:
        """Stop every environment of every function; remove the extracted code."""
        with self._lock:
            for workers in self._by_key.values():
                workers.close(kill)
            self._by_key.clear()
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None
