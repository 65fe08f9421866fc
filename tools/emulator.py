"""The embedded AWS emulator: moto's server in this process, plus the bridges over its gaps.

Everything that differs between the emulator and AWS lives here, one function per gap, each
with a comment saying what moto does and what AWS does. The bridges patch moto in-process,
which is why the server runs in this Python process (``ThreadedMotoServer`` on 127.0.0.1):
the real ``aws`` CLI and boto3 talk to it over HTTP through ``AWS_ENDPOINT_URL``.

The bridges are written against one moto version (``MOTO_VERSION``); ``tests/tools/
test_emulator.py`` shows each gap on raw moto, so an upgrade that closes or moves one fails
loudly instead of silently.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import logging
import os
import queue
import select
import shutil
import string
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import moto

from contract.environment import Env

MOTO_VERSION = "5.2.5"

#: Fake credentials: the emulator accepts anything, and these can never reach AWS.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}

#: Step Functions retry waits and S3 async-invoke retry delays are multiplied by this on the
#: emulator, so a "retry after 2 s, backoff 2" policy takes 20 ms, 40 ms... (see bridge 8).
DEFAULT_TIME_SCALE = 0.01

_RUNTIME_SCRIPT = Path(__file__).with_name("lambda_runtime.py")


class EmulatorVersionError(RuntimeError):
    """moto is not the version the bridges were written and tested against."""


def check_moto_version() -> None:
    """Refuse to run on another moto: the bridges patch its internals."""
    if moto.__version__ != MOTO_VERSION:
        raise EmulatorVersionError(
            f"tools/emulator.py bridges moto {MOTO_VERSION} but moto {moto.__version__} is "
            "installed: install requirements/dev.lock, or re-verify every bridge "
            "(tests/tools/test_emulator.py) before changing MOTO_VERSION."
        )


# --------------------------------------------------------------------------------------------
# Fault injection and invocation log (test hooks; the pipeline code never sees them)
# --------------------------------------------------------------------------------------------


@dataclass
class Fault:
    """Make the next ``times`` invocations of a function fail as an unhandled exception."""

    function: str  # matched case-insensitively against the function name and handler
    times: int
    key_contains: str = ""  # only events whose JSON contains this string
    error_type: str = "InjectedFault"
    used: int = 0

    def matches(self, name: str, handler: str, event_json: str) -> bool:
        """Whether this fault applies to an invocation."""
        needle = self.function.lower()
        return (
            self.used < self.times
            and (needle in name.lower() or needle in handler.lower())
            and self.key_contains in event_json
        )


@dataclass
class Invocation:
    """One Lambda invocation as the emulator ran it."""

    function_name: str
    event: Any
    ok: bool
    payload: str
    duration: float


@dataclass
class _State:
    faults: list[Fault] = field(default_factory=list)
    invocations: list[Invocation] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    endpoint: str = ""
    time_scale: float = DEFAULT_TIME_SCALE
    concurrency: int = 3


STATE = _State()


def inject_fault(
    function: str, times: int, key_contains: str = "", error_type: str = "InjectedFault"
) -> Fault:
    """Fail the next ``times`` matching invocations as if the handler raised ``error_type``."""
    fault = Fault(function, times, key_contains, error_type)
    with STATE.lock:
        STATE.faults.append(fault)
    return fault


def invocations(function: str = "", key_contains: str = "") -> list[Invocation]:
    """Invocations so far whose function name contains ``function`` and event ``key_contains``."""
    with STATE.lock:
        found = list(STATE.invocations)
    return [
        i
        for i in found
        if function.lower() in i.function_name.lower() and key_contains in json.dumps(i.event)
    ]


def _take_fault(name: str, handler: str, event_json: str) -> Fault | None:
    with STATE.lock:
        for fault in STATE.faults:
            if fault.matches(name, handler, event_json):
                fault.used += 1
                return fault
    return None


# --------------------------------------------------------------------------------------------
# Lambda execution environments: warm worker processes running the deployed zip
# --------------------------------------------------------------------------------------------


class _Worker:
    """One execution environment: a process that imported the handler from the zip."""

    def __init__(self, code_dir: Path, handler: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own runtime script, fixed argv
            [sys.executable, "-I", str(_RUNTIME_SCRIPT), str(code_dir), handler],
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
        except BrokenPipeError:
            return False, _runtime_error("Runtime.ExitError", "the runtime exited"), ""
        ready, _, _ = select.select([self.process.stdout], [], [], timeout + 5)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.close()
            message = f"Task timed out after {timeout:.2f} seconds" if not ready else "exited"
            return False, _runtime_error("Sandbox.Timedout", message), ""
        response = json.loads(line)
        return bool(response["ok"]), str(response["payload"]), str(response["logs"])

    @property
    def alive(self) -> bool:
        """Whether the process can take another invocation."""
        return self.process.poll() is None

    def close(self) -> None:
        """Stop the process (end of stdin ends its loop)."""
        with contextlib.suppress(OSError):
            if self.process.stdin:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _runtime_error(error_type: str, message: str) -> str:
    return json.dumps({"errorType": error_type, "errorMessage": message})


class _FunctionRuntime:
    """The pool of execution environments of one function version (code + configuration)."""

    def __init__(self, fn: Any, code_dir: Path) -> None:
        self.code_dir = code_dir
        self.handler = str(fn.handler)
        self.timeout = float(fn.timeout or 3)
        region = str(fn.region)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_ENDPOINT_URL": STATE.endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": str(fn.function_name),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": str(fn.logs_group_name),
            "ETL_EMULATOR_FUNCTION_ARN": str(fn.function_arn),
            # No X-Ray daemon in the emulator: Powertools Tracer would only warn.
            Env.POWERTOOLS_TRACE_DISABLED: "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            **FAKE_CREDENTIALS,
            **{str(k): str(v) for k, v in (fn.environment_vars or {}).items()},
        }
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._slots = threading.BoundedSemaphore(STATE.concurrency)
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()

    def invoke(self, event: Any) -> tuple[bool, str, str]:
        """Run the event on an idle environment, starting one if all are busy (up to the cap)."""
        with self._slots:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                worker = _Worker(self.code_dir, self.handler, self.env)
                with self._lock:
                    self._workers.append(worker)
            result = worker.invoke(event, self.timeout)
            if worker.alive:
                self._idle.put(worker)
            return result

    def close(self) -> None:
        """Stop every environment."""
        with self._lock:
            for worker in self._workers:
                worker.close()
            self._workers.clear()


class _Runtimes:
    """Every function's runtime, keyed by what a new Lambda version would change."""

    def __init__(self) -> None:
        self._by_key: dict[str, _FunctionRuntime] = {}
        self._lock = threading.Lock()
        self._root: Path | None = None

    def get(self, fn: Any) -> _FunctionRuntime:
        """The runtime for this function's current code and configuration."""
        fingerprint = json.dumps(
            [fn.function_arn, fn.code_sha_256, fn.handler, fn.environment_vars, fn.timeout],
            sort_keys=True,
            default=str,
        )
        key = hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
        with self._lock:
            runtime = self._by_key.get(key)
            if runtime is None:
                if self._root is None:
                    self._root = Path(tempfile.mkdtemp(prefix="etl-emulator-lambda-"))
                code_dir = self._root / key
                with zipfile.ZipFile(io.BytesIO(fn.code_bytes)) as archive:
                    archive.extractall(code_dir)
                runtime = self._by_key[key] = _FunctionRuntime(fn, code_dir)
            return runtime

    def close(self) -> None:
        """Stop every environment of every function."""
        with self._lock:
            for runtime in self._by_key.values():
                runtime.close()
            self._by_key.clear()
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None


RUNTIMES = _Runtimes()


def _run_function(fn: Any, event: Any) -> tuple[str, bool, str]:
    """Replacement for ``LambdaFunction._invoke_lambda``: (payload, errored, logs)."""
    event_json = json.dumps(event, default=str)
    started = time.monotonic()
    fault = _take_fault(str(fn.function_name), str(fn.handler), event_json)
    if fault is not None:
        ok, payload, logs = False, _runtime_error(fault.error_type, "injected by a test"), ""
    else:
        ok, payload, logs = RUNTIMES.get(fn).invoke(event)
    with STATE.lock:
        STATE.invocations.append(
            Invocation(str(fn.function_name), event, ok, payload, time.monotonic() - started)
        )
    if logs:
        fn.logs_backend.ensure_log_group(fn.logs_group_name)
        fn.save_logs(logs)
    return payload, not ok, logs


# --------------------------------------------------------------------------------------------
# The bridges, one per gap
# --------------------------------------------------------------------------------------------

_MISSING = object()
_PATCHES: list[tuple[Any, str, Any]] = []  # (target, attribute or key, original), in order


def _patch(target: Any, name: str, value: Any) -> None:
    """Set ``target.name`` (or ``target[name]`` for a dict), remembering the original."""
    if isinstance(target, dict):
        _PATCHES.append((target, name, target.get(name, _MISSING)))
        target[name] = value
    else:
        _PATCHES.append((target, name, target.__dict__.get(name, _MISSING)))
        setattr(target, name, value)


def _unpatch_all() -> None:
    while _PATCHES:
        target, name, original = _PATCHES.pop()
        if isinstance(target, dict):
            if original is _MISSING:
                target.pop(name, None)
            else:
                target[name] = original
        elif original is _MISSING:
            delattr(target, name)
        else:
            setattr(target, name, original)


def _bridge_lambda_invoke() -> None:
    # Gap 1: moto runs Lambda code only in Docker (LambdaFunction._invoke_lambda starts a
    # container; without Docker every invocation returns "error running docker").
    # _invoke_lambda is the one seam that API Invoke, Step Functions lambda:invoke tasks and
    # S3 notifications all go through, so it runs the deployed zip here instead: a warm
    # worker process per function (tools/lambda_runtime.py), the zip extracted as its code
    # root, its environment variables set, errors returned in Lambda's payload shape so
    # Step Functions Retry/Catch see the errorType.
    from moto.awslambda.models import LambdaFunction

    def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
        return _run_function(self, {} if event is None else event)

    _patch(LambdaFunction, "_invoke_lambda", _invoke_lambda)


def _bridge_async_s3_notifications() -> None:
    # Gap 2: moto delivers an S3 notification to Lambda synchronously inside the PutObject
    # request and swallows any error. AWS invokes asynchronously (PutObject returns at once)
    # and retries a failing async invocation twice. Deliver on a thread pool, with retries.
    from moto.s3 import notifications

    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="s3-notify")

    def _deliver_with_retries(account_id: str, body: Any, arn: str, region: str) -> None:
        from moto.awslambda.utils import get_backend

        payload = ""
        for attempt in range(3):  # the first try and Lambda's 2 async retries
            if attempt:
                time.sleep(60 * attempt * STATE.time_scale)  # AWS waits ~1 min, then ~2 min
            try:
                fn = get_backend(account_id, region).get_function(arn)
            except Exception:  # the function is gone: AWS drops the event too
                return
            payload, errored, _ = fn._invoke_lambda(event=json.loads(json.dumps(body)))
            if not errored:
                return
        _send_to_dead_letter_queue(fn, body, payload)

    def _invoke_async(account_id: str, body: Any, arn: str, region: str) -> None:
        pool.submit(_deliver_with_retries, account_id, body, arn, region)

    _patch(notifications, "_invoke_awslambda", _invoke_async)


def _send_to_dead_letter_queue(fn: Any, event: Any, error_payload: str) -> None:
    """What Lambda does with an async event that failed every attempt: SQS DLQ, with why."""
    from moto.sqs.models import sqs_backends

    target = getattr(fn, "emulator_dead_letter_arn", None)
    if not target:
        return
    _, _, _, region, account, queue = target.split(":", 5)
    try:
        error = json.loads(error_payload)
    except json.JSONDecodeError:
        error = {}
    attributes = {
        "ErrorCode": {"DataType": "String", "StringValue": "200"},
        "ErrorMessage": {
            "DataType": "String",
            "StringValue": str(error.get("errorMessage", ""))[:256] or "error",
        },
        "RequestID": {"DataType": "String", "StringValue": str(uuid.uuid4())},
    }
    sqs_backends[account][region].send_message(
        queue, json.dumps(event), message_attributes=attributes
    )


def _bridge_lambda_dead_letter_config() -> None:
    # Gap 15: moto's Lambda ignores DeadLetterConfig, so an S3 event whose async invocation
    # failed every retry vanishes. AWS sends it to the dead-letter queue (SPEC §2: nothing
    # is dropped). Remember the target from the template; the async bridge delivers to it.
    from moto.awslambda.models import LambdaFunction

    create = LambdaFunction.create_from_cloudformation_json

    def _create(cls: Any, name: str, cfn: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        fn = create.__func__(cls, name, cfn, *args, **kwargs)  # type: ignore[attr-defined]
        dead_letter = cfn.get("Properties", {}).get("DeadLetterConfig") or {}
        fn.emulator_dead_letter_arn = dead_letter.get("TargetArn")
        return fn

    _patch(LambdaFunction, "create_from_cloudformation_json", classmethod(_create))


def _bridge_s3_event_version() -> None:
    # Gap 3: moto's S3 event record has no object versionId nor sequencer. AWS sends both
    # for a versioned bucket, and the validation function derives the execution name from
    # the version, so two uploads of identical bytes are two files, not a duplicate.
    from moto.s3 import notifications

    build = notifications._get_s3_event

    def _get_s3_event(event_name: str, bucket: Any, key: Any, notification_id: str) -> Any:
        body = build(event_name, bucket, key, notification_id)
        obj = body["Records"][0]["s3"]["object"]
        if getattr(key, "version_id", None) and key.version_id != "null":
            obj["versionId"] = key.version_id
        obj["sequencer"] = f"{time.time_ns():X}"
        return body

    _patch(notifications, "_get_s3_event", _get_s3_event)


def _bridge_bucket_properties() -> None:
    # Gap 4: AWS::S3::Bucket from a template keeps only BucketEncryption and Tags in moto;
    # NotificationConfiguration (the S3 -> Lambda trigger) and VersioningConfiguration are
    # dropped. Apply both after moto creates or updates the bucket, translated from the
    # CloudFormation shape to the shape moto's PutBucketNotificationConfiguration stores.
    from moto.s3.models import FakeBucket, s3_backends

    create, update = (
        FakeBucket.create_from_cloudformation_json,
        FakeBucket.update_from_cloudformation_json,
    )

    def _apply(bucket: Any, properties: dict[str, Any]) -> None:
        backend = s3_backends[bucket.account_id][bucket.partition]
        versioning = properties.get("VersioningConfiguration", {}).get("Status")
        if versioning:
            backend.put_bucket_versioning(bucket.name, versioning)
        notification = properties.get("NotificationConfiguration")
        if notification:
            backend.put_bucket_notification_configuration(
                bucket.name, _api_notification_config(notification)
            )

    def _create(cls: Any, resource_name: str, cfn: dict[str, Any], *args: Any, **kw: Any) -> Any:
        bucket = create.__func__(cls, resource_name, cfn, *args, **kw)  # type: ignore[attr-defined]
        _apply(bucket, cfn.get("Properties", {}))
        return bucket

    def _update(cls: Any, original: Any, name: str, cfn: dict[str, Any], *a: Any, **kw: Any) -> Any:
        bucket = update.__func__(cls, original, name, cfn, *a, **kw)  # type: ignore[attr-defined]
        _apply(bucket, cfn.get("Properties", {}))
        return bucket

    _patch(FakeBucket, "create_from_cloudformation_json", classmethod(_create))
    _patch(FakeBucket, "update_from_cloudformation_json", classmethod(_update))


def _api_notification_config(cfn: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation NotificationConfiguration -> moto's stored API shape."""

    def _one(item: dict[str, Any], target_key: str, api_key: str) -> dict[str, Any]:
        out: dict[str, Any] = {api_key: item[target_key], "Event": [item["Event"]]}
        rules = item.get("Filter", {}).get("S3Key", {}).get("Rules")
        if rules:
            out["Filter"] = {"S3Key": {"FilterRule": rules}}
        return out

    return {
        "CloudFunctionConfiguration": [
            _one(c, "Function", "CloudFunction") for c in cfn.get("LambdaConfigurations", [])
        ],
        "QueueConfiguration": [
            _one(c, "Queue", "Queue") for c in cfn.get("QueueConfigurations", [])
        ],
        "TopicConfiguration": [
            _one(c, "Topic", "Topic") for c in cfn.get("TopicConfigurations", [])
        ],
    }


def _bridge_nested_stack_outputs() -> None:
    # Gap 5: `Fn::GetAtt [NestedStack, Outputs.X]` fails in moto (its Stack resource has no
    # get_cfn_attribute): a root output built from it silently disappears, and a sibling
    # stack's parameter fed from it breaks the deploy. AWS resolves it to the nested
    # stack's output X.
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
    from moto.cloudformation.models import Stack

    def get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name.startswith("Outputs."):
            return self.output_map[attribute_name.removeprefix("Outputs.")].value
        raise UnformattedGetAttTemplateException()

    _patch(Stack, "get_cfn_attribute", get_cfn_attribute)


def _bridge_change_set_outputs() -> None:
    # Gap 6: a stack created through a change set (what `aws cloudformation deploy` does)
    # has no Outputs in moto: the Stack was built from an empty template and
    # execute_change_set never rebuilds its output map. Rebuild it from the executed template.
    from moto.cloudformation.models import CloudFormationBackend

    execute = CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        execute(self, change_set_name, stack_name)
        change_set = self.describe_change_set(change_set_name)
        stack = self.stacks[change_set.stack_id]
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.output_map = stack._create_output_map()

    _patch(CloudFormationBackend, "execute_change_set", execute_change_set)


def _bridge_empty_change_set() -> None:
    # Gap 7: re-creating a change set with the same template and parameters makes moto
    # answer CreateChangeSet with a ValidationError "No updates are to be performed." when
    # the template is inline; AWS creates the change set in status FAILED with the reason
    # "The submitted information didn't contain changes...", which is what
    # `aws cloudformation deploy --no-fail-on-empty-changeset` recognises as success.
    from moto.cloudformation.responses import CloudFormationResponse

    def _validate_different_update(self: Any, *args: Any, **kwargs: Any) -> None:
        return None  # the backend marks an unchanged change set FAILED, as AWS does

    _patch(CloudFormationResponse, "_validate_different_update", _validate_different_update)


def _bridge_termination_protection() -> None:
    # Gap 9: moto 5.2.5 has no UpdateTerminationProtection (HTTP 500 "not implemented") and
    # its DeleteStack ignores the flag. AWS stores the flag and refuses to delete a protected
    # stack with a ValidationError; `make deploy` sets it and `make destroy` clears it.
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.responses import CloudFormationResponse

    delete_stack = CloudFormationResponse.delete_stack

    def update_termination_protection(self: Any) -> str:
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        stack.enable_termination_protection = self._get_bool_param("EnableTerminationProtection")
        return (
            '<UpdateTerminationProtectionResponse xmlns="http://cloudformation.amazonaws.com/'
            f'doc/2010-05-15/"><UpdateTerminationProtectionResult><StackId>{stack.stack_id}'
            "</StackId></UpdateTerminationProtectionResult></UpdateTerminationProtectionResponse>"
        )

    def guarded_delete_stack(self: Any) -> Any:
        name = self._get_param("StackName")
        protected = [
            s
            for s in self.cloudformation_backend.stacks.values()
            if name in (s.name, s.stack_id) and s.enable_termination_protection
        ]
        if protected:
            raise ValidationError(
                name,
                message=f"Stack [{name}] cannot be deleted while TerminationProtection is enabled",
            )
        return delete_stack(self)

    _patch(CloudFormationResponse, "update_termination_protection", update_termination_protection)
    _patch(CloudFormationResponse, "delete_stack", guarded_delete_stack)


class _CfnSubTemplate(string.Template):
    """``string.Template`` that only knows ``${Name}``: ``$$`` and ``$.path`` stay as written."""

    pattern = r"\$(?:(?P<escaped>(?!))|(?P<named>(?!))|{(?P<braced>[_A-Za-z][_A-Za-z0-9.]*)}|(?P<invalid>(?!)))"  # type: ignore[assignment]


def _bridge_fn_sub_dollars() -> None:
    # Gap 10: moto resolves `Fn::Sub [template, {vars}]` with string.Template, so every "$$"
    # becomes "$" (Template's escape). AWS leaves "$$" alone; a state machine definition
    # needs "$$.Execution.StartTime" intact. Give moto a Template that knows only ${Name}.
    from moto.cloudformation import parsing

    _patch(parsing, "string", SimpleNamespace(Template=_CfnSubTemplate))


def _bridge_state_machine_backend() -> None:
    # Gap 8a: moto keeps two Step Functions backends; the API uses the executing "parser"
    # backend only when config stepfunctions.execute_state_machine is on, but
    # AWS::StepFunctions::StateMachine resources are always created in the plain backend,
    # so a state machine from a template is invisible to StartExecution. Point the
    # CloudFormation model at the parser backend (which also validates the definition).
    from moto.core.config import default_user_config
    from moto.stepfunctions import models
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    _patch(default_user_config, "stepfunctions", {"execute_state_machine": True})
    _patch(models, "stepfunctions_backends", stepfunctions_parser_backends)


def _bridge_state_machine_definition() -> None:
    # Gap 12: moto's AWS::StepFunctions::StateMachine reads only DefinitionString; a
    # `Definition` object with `DefinitionSubstitutions` (what the orchestration stack uses)
    # becomes an empty definition. AWS serialises Definition and replaces each ${Name} with
    # its substitution. Do that, then hand moto the DefinitionString it understands.
    from moto.stepfunctions.models import StateMachine

    create = StateMachine.create_from_cloudformation_json
    update = StateMachine.update_from_cloudformation_json

    def _to_definition_string(cfn: dict[str, Any]) -> dict[str, Any]:
        properties = dict(cfn.get("Properties", {}))
        if "Definition" in properties:
            text = json.dumps(properties.pop("Definition"))
            for name, value in properties.pop("DefinitionSubstitutions", {}).items():
                text = text.replace("${" + name + "}", str(value))
            properties["DefinitionString"] = text
        return {**cfn, "Properties": properties}

    def _create(cls: Any, name: str, cfn: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        return create.__func__(cls, name, _to_definition_string(cfn), *args, **kwargs)  # type: ignore[attr-defined]

    def _update(cls: Any, original: Any, name: str, cfn: dict[str, Any], *a: Any, **kw: Any) -> Any:
        return update.__func__(cls, original, name, _to_definition_string(cfn), *a, **kw)  # type: ignore[attr-defined]

    _patch(StateMachine, "create_from_cloudformation_json", classmethod(_create))
    _patch(StateMachine, "update_from_cloudformation_json", classmethod(_update))


def _bridge_context_start_time() -> None:
    # Gap 11: in moto's interpreter the context object's $$.Execution.StartTime is a Python
    # datetime, so any state that passes it on (the metadata item's sort key) fails with
    # "Object of type datetime is not JSON serializable"; $$.State.EnteredTime is a string
    # with microseconds and "+00:00". AWS gives both as ISO 8601 with milliseconds and "Z".
    from moto.stepfunctions.parser.asl.component.state import state
    from moto.stepfunctions.parser.backend import execution_worker

    execution_data, state_data = execution_worker.ExecutionData, state.StateData

    def _aws_time(value: Any) -> Any:
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = datetime.datetime.fromisoformat(value)
        if isinstance(value, datetime.datetime):
            utc = value.astimezone(datetime.UTC)
            return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return value

    def _execution_data(**fields: Any) -> Any:
        fields["StartTime"] = _aws_time(fields.get("StartTime"))
        return execution_data(**fields)

    def _state_data(**fields: Any) -> Any:
        fields["EnteredTime"] = _aws_time(fields.get("EnteredTime"))
        return state_data(**fields)

    _patch(execution_worker, "ExecutionData", _execution_data)
    _patch(state, "StateData", _state_data)


_INTRINSICS = frozenset(
    {"Ref", "Fn::FindInMap", "Fn::GetAZs", "Fn::GetAtt", "Fn::If", "Fn::ImportValue",
     "Fn::Join", "Fn::Select", "Fn::Split", "Fn::Sub", "Fn::ToJsonString"}
)  # fmt: skip


def _bridge_template_nulls() -> None:
    # Gap 14: moto's template resolver (parsing.clean_json) drops every key whose value is
    # null, so a state machine `Definition` loses `"ResultPath": null` ("discard the task's
    # result") and the next state sees the task output instead of its input. AWS keeps
    # literal nulls. Keep a literal null; anything an intrinsic resolves to None (e.g.
    # AWS::NoValue) is still dropped by moto as before.
    from moto.cloudformation import parsing

    original = parsing.clean_json

    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        if (
            isinstance(resource_json, dict)
            and resource_json
            and not (set(resource_json) & _INTRINSICS)
        ):
            cleaned: dict[str, Any] = {}
            for key, value in resource_json.items():
                if value is None:
                    cleaned[key] = None
                    continue
                resolved = clean_json(value, resources_map)
                if resolved is not None:
                    cleaned[key] = resolved
            return cleaned
        return original(resource_json, resources_map)

    _patch(parsing, "clean_json", clean_json)


def _bridge_kms_key_tags() -> None:
    # Gap 13: moto's AWS::KMS::Key passes the template's Tags ({Key, Value}) straight to the
    # KMS tagger, which expects the API shape ({TagKey, TagValue}): KeyError 'TagKey', and
    # the whole stack fails. AWS accepts the CloudFormation shape. Translate it.
    from moto.kms.models import Key

    create = Key.create_from_cloudformation_json

    def _create(cls: Any, name: str, cfn: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        properties = dict(cfn.get("Properties", {}))
        properties["Tags"] = [
            {"TagKey": t["Key"], "TagValue": t["Value"]} for t in properties.get("Tags", [])
        ]
        if isinstance(properties.get("KeyPolicy"), dict):
            properties["KeyPolicy"] = json.dumps(properties["KeyPolicy"])
        return create.__func__(cls, name, {**cfn, "Properties": properties}, *args, **kwargs)  # type: ignore[attr-defined]

    _patch(Key, "create_from_cloudformation_json", classmethod(_create))


def _bridge_retry_sleep() -> None:
    # Gap 8b (time, not behaviour): ASL IntervalSeconds is a whole number of seconds >= 1,
    # so the real retry policy would make the e2e suite wait minutes. The emulator's retrier
    # sleeps for the policy's interval times STATE.time_scale (the policy itself is the
    # generated one, unchanged).
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

    real_sleep = time.sleep
    scaled = SimpleNamespace(sleep=lambda seconds: real_sleep(seconds * STATE.time_scale))
    _patch(retrier_decl, "time", scaled)


_BRIDGES: tuple[Callable[[], None], ...] = (
    _bridge_lambda_invoke,
    _bridge_async_s3_notifications,
    _bridge_lambda_dead_letter_config,
    _bridge_s3_event_version,
    _bridge_bucket_properties,
    _bridge_nested_stack_outputs,
    _bridge_change_set_outputs,
    _bridge_empty_change_set,
    _bridge_termination_protection,
    _bridge_fn_sub_dollars,
    _bridge_state_machine_backend,
    _bridge_state_machine_definition,
    _bridge_context_start_time,
    _bridge_kms_key_tags,
    _bridge_template_nulls,
    _bridge_retry_sleep,
)


def apply_bridges() -> None:
    """Patch moto (idempotent); ``remove_bridges`` undoes it, so plain moto tests stay plain."""
    check_moto_version()
    if _PATCHES:
        return
    for bridge in _BRIDGES:
        bridge()


def remove_bridges() -> None:
    """Restore moto exactly as it was before ``apply_bridges``."""
    _unpatch_all()


@contextlib.contextmanager
def bridged() -> Iterator[None]:
    """``with bridged():`` — moto patched for the block only (tests of single bridges)."""
    already = bool(_PATCHES)
    apply_bridges()
    try:
        yield
    finally:
        if not already:
            remove_bridges()


# --------------------------------------------------------------------------------------------
# The emulator itself
# --------------------------------------------------------------------------------------------


class Emulator:
    """moto's server on 127.0.0.1 (free port) in this process, bridged; a context manager.

    While it runs, ``os.environ`` points boto3 and the ``aws`` CLI at it (endpoint, fake
    credentials, region); leaving restores the previous environment.
    """

    def __init__(self, region: str = "us-east-1", time_scale: float = DEFAULT_TIME_SCALE) -> None:
        self.region = region
        self.time_scale = time_scale
        self.endpoint = ""
        self._server: Any = None
        self._saved_env: dict[str, str | None] = {}
        self._owns_bridges = False

    @property
    def env(self) -> dict[str, str]:
        """The variables that point a client at this emulator."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            # No ~/.aws/config or profile may redirect or sign for a real account.
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            **FAKE_CREDENTIALS,
        }

    def start(self) -> Emulator:
        """Apply the bridges, start the server and point this process's environment at it."""
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log per request
        # moto's ASL interpreter logs every caught state error (expected on failure paths);
        # the execution history has them. Unsupported-resource warnings (alarms, bucket and
        # topic policies) are listed in the README's emulator section instead.
        logging.getLogger("moto.stepfunctions").setLevel(logging.CRITICAL)
        logging.getLogger("moto").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", message="Tried to parse AWS::", category=UserWarning)
        self._owns_bridges = not _PATCHES
        apply_bridges()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        STATE.endpoint = self.endpoint
        STATE.time_scale = self.time_scale
        # moto's Step Functions interpreter calls its service integrations (lambda:invoke,
        # dynamodb:putItem, sns:publish) at http://localhost:$MOTO_PORT.
        overrides = {**self.env, "MOTO_PORT": str(port), "AWS_PROFILE": None}
        for name, value in overrides.items():
            self._saved_env[name] = os.environ.get(name)
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        return self

    def stop(self) -> None:
        """Stop the Lambda environments and the server; restore the environment."""
        RUNTIMES.close()
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._owns_bridges:
            remove_bridges()
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def running(region: str = "us-east-1") -> Iterator[Emulator]:
    """``with running() as emu:`` — the emulator for the duration of the block."""
    with Emulator(region) as emulator:
        yield emulator
