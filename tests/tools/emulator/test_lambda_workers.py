"""Lambda execution environments: one warm pool per function version, isolated environments."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tools.emulator.lambda_workers import LambdaRuntimes, function_environment
from tools.emulator.principals import Kind, Principal, Principals

HANDLER = """
import importlib.util
import os

CALLS = []


def handler(event, context):
    CALLS.append(event)
    if event.get("exit"):
        os._exit(3)
    if event.get("tmp"):  # leave a file in /tmp, as a function that is stopped mid-run does
        import tempfile
        path = os.path.join(tempfile.gettempdir(), "left-behind.txt")
        open(path, "w").write("x")
        return {"tmp": path}
    if event.get("imports"):  # the emulator's modules sit beside the runtime script
        return [importlib.util.find_spec(m) is not None for m in event["imports"]]
    return {"calls": len(CALLS), "stage": os.environ["STAGE"], "endpoint": os.environ["AWS_ENDPOINT_URL"]}
"""


def _function(**changes: Any) -> SimpleNamespace:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("probe.py", HANDLER)
    fields = {
        "function_name": "probe",
        "function_arn": "arn:aws:lambda:us-east-1:123456789012:function:probe",
        "region": "us-east-1",
        "handler": "probe.handler",
        "timeout": 3,
        "memory_size": 128,
        "logs_group_name": "/aws/lambda/probe",
        "environment_vars": {"STAGE": "dev"},
        "code_bytes": buffer.getvalue(),
        "code_sha_256": "one",
        "role": "arn:aws:iam::123456789012:role/probe-role",
    }
    return SimpleNamespace(**(fields | changes))


@pytest.fixture
def runtimes() -> Iterator[LambdaRuntimes]:
    endpoints = iter(["http://127.0.0.1:9", "http://127.0.0.1:10"])
    pool = LambdaRuntimes(lambda: next(endpoints))
    yield pool
    pool.close()


def _payload(result: tuple[bool, str, str]) -> Any:
    ok, payload, _ = result
    return ok, json.loads(payload)


def test_invocations_reuse_a_warm_environment_until_the_configuration_changes(
    runtimes: LambdaRuntimes,
) -> None:
    fn = _function()
    workers = runtimes.get(fn)

    assert _payload(workers.invoke({})) == (True, {"calls": 1, "stage": "dev", "endpoint": "http://127.0.0.1:9"})  # fmt: skip
    assert _payload(runtimes.get(fn).invoke({}))[1]["calls"] == 2
    assert runtimes.get(fn) is workers

    changed = _function(environment_vars={"STAGE": "prod"})  # a new version: new environments
    assert runtimes.get(changed) is not workers
    assert _payload(runtimes.get(changed).invoke({})) == (True, {"calls": 1, "stage": "prod", "endpoint": "http://127.0.0.1:10"})  # fmt: skip


def test_each_function_signs_its_calls_with_credentials_of_its_own_role() -> None:
    principals = Principals()
    pool = LambdaRuntimes(lambda: "http://127.0.0.1:9", principals)
    try:
        env = pool.get(_function()).env
        other = pool.get(
            _function(
                function_arn="arn:aws:lambda:us-east-1:1:function:other", function_name="other"
            )
        ).env
    finally:
        pool.close()
    key = env["AWS_ACCESS_KEY_ID"]
    assert len(key) == 20 and key.startswith("ASIA") and key != other["AWS_ACCESS_KEY_ID"]
    assert principals.of(key) == Principal(
        Kind.FUNCTION, "probe", "arn:aws:iam::123456789012:role/probe-role"
    )
    assert principals.of("AKIAEXAMPLE").kind is Kind.HARNESS


def test_a_function_imports_only_its_zip_and_the_installed_packages(
    runtimes: LambdaRuntimes,
) -> None:
    imports = ["probe", "lambda_workers", "tools", "contract", "boto3"]

    ok, found = _payload(runtimes.get(_function()).invoke({"imports": imports}))

    assert ok and found == [True, False, False, False, True]


def test_an_environment_that_exits_is_replaced(runtimes: LambdaRuntimes) -> None:
    workers = runtimes.get(_function())
    workers.invoke({})

    ok, payload = _payload(workers.invoke({"exit": True}))

    assert not ok and payload["errorType"] == "Sandbox.Timedout"
    assert _payload(workers.invoke({}))[1]["calls"] == 1  # a fresh environment, cold again


def test_a_function_sees_only_its_own_and_the_emulators_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "a-real-looking-secret")
    monkeypatch.setenv("HOME_TOKEN", "anything")

    env = function_environment(_function(), "http://127.0.0.1:9")

    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:9"
    assert env["AWS_SECRET_ACCESS_KEY"] == "testing"
    assert env["STAGE"] == "dev" and env["AWS_LAMBDA_FUNCTION_NAME"] == "probe"
    assert "AWS_PROFILE" not in env and "HOME_TOKEN" not in env


def test_each_function_has_its_own_tmp_and_an_abort_leaves_nothing_and_starts_nothing(
    runtimes: LambdaRuntimes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the emulator's own temporary files
    tempfile.tempdir = None  # read TMPDIR again
    try:
        workers = runtimes.get(_function())
        left = Path(_payload(workers.invoke({"tmp": True}))[1]["tmp"])
        assert left.is_file() and left.parent.parent == next(tmp_path.iterdir())

        runtimes.abort()

        assert not workers._workers and list(tmp_path.iterdir()) == []
        with pytest.raises(RuntimeError, match="aborted"):
            runtimes.get(_function(code_sha_256="two"))
        # an invocation that got its pool before the abort starts no environment after it
        ok, payload, _ = workers.invoke({"tmp": True})
        assert not ok and json.loads(payload)["errorType"] == "Runtime.Aborted"
        assert not workers._workers and list(tmp_path.iterdir()) == []
    finally:
        tempfile.tempdir = None
