"""Step Functions bridges: state machines from templates execute, with AWS's context times
and scaled-down retry waits."""

from __future__ import annotations

import contextlib
import datetime
import json
from types import SimpleNamespace
from typing import Any

import boto3

from tools.emulator.context import Bridge, Context
from tools.emulator.principals import Kind, Principal


def parser_backend(ctx: Context) -> None:
    # Gap 8a: moto keeps two Step Functions backends; the API uses the executing "parser"
    # backend only when config stepfunctions.execute_state_machine is on, but
    # AWS::StepFunctions::StateMachine resources are always created in the plain backend,
    # so a state machine from a template is invisible to StartExecution. Point the
    # CloudFormation model at the parser backend (which also validates the definition).
    from moto.core.config import default_user_config
    from moto.stepfunctions import models
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    ctx.patch(default_user_config, "stepfunctions", {"execute_state_machine": True})
    ctx.patch(models, "stepfunctions_backends", stepfunctions_parser_backends)


def definition_object(ctx: Context) -> None:
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

    ctx.patch(StateMachine, "create_from_cloudformation_json", classmethod(_create))
    ctx.patch(StateMachine, "update_from_cloudformation_json", classmethod(_update))


def _aws_time(value: Any) -> Any:
    """A datetime (or ISO string) as AWS writes it: UTC, milliseconds, "Z"."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = datetime.datetime.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        utc = value.astimezone(datetime.UTC)
        return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return value


def context_times(ctx: Context) -> None:
    # Gap 11: in moto's interpreter the context object's $$.Execution.StartTime is a Python
    # datetime, so any state that passes it on (the metadata item's sort key) fails with
    # "Object of type datetime is not JSON serializable"; $$.State.EnteredTime is a string
    # with microseconds and "+00:00". AWS gives both as ISO 8601 with milliseconds and "Z".
    from moto.stepfunctions.parser.asl.component.state import state
    from moto.stepfunctions.parser.backend import execution_worker

    execution_data, state_data = execution_worker.ExecutionData, state.StateData

    def _execution_data(**fields: Any) -> Any:
        fields["StartTime"] = _aws_time(fields.get("StartTime"))
        return execution_data(**fields)

    def _state_data(**fields: Any) -> Any:
        fields["EnteredTime"] = _aws_time(fields.get("EnteredTime"))
        return state_data(**fields)

    ctx.patch(execution_worker, "ExecutionData", _execution_data)
    ctx.patch(state, "StateData", _state_data)


def scaled_retry_waits(ctx: Context) -> None:
    # Gap 8b (time, not behaviour): ASL IntervalSeconds is a whole number of seconds >= 1,
    # so the real retry policy would make the e2e suite wait minutes. The emulator's retrier
    # sleeps for the policy's interval times the emulator's time_scale (the policy itself is
    # the generated one, unchanged).
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

    ctx.patch(retrier_decl, "time", SimpleNamespace(sleep=ctx.sleep))


def integration_credentials(ctx: Context) -> None:
    # Gap 16: moto's interpreter signs every service integration (lambda:invoke, dynamodb,
    # sns, aws-sdk:*) with the fixed key "ak", so nothing tells its calls from anyone else's.
    # AWS makes them with a session of the state machine's execution role. Sign them with
    # that role's credentials (``principals.py``), so the call seam knows the caller.
    import importlib
    import sys

    from botocore.config import Config
    from moto.core.models import botocore_stubber
    from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSeconds
    from moto.stepfunctions.parser.asl.utils import boto_client

    original = boto_client.boto_client_for
    for name in _CALLERS:  # the modules bind the function by name at import
        importlib.import_module(name)

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        role_arn = str(getattr(state_credentials, "role_arn", "") or "")
        caller = Principal(Kind.STATE_MACHINE, role_arn.rsplit("/", 1)[-1], role_arn)
        creds = ctx.principals.credentials(caller)
        # what moto's own function sets, but the credentials (no retries: ASL Retry decides)
        endpoint = {} if botocore_stubber.enabled else {"endpoint_url": _moto_endpoint()}
        return boto3.client(
            service_name=service,
            region_name=region,
            aws_access_key_id=creds.access_key,
            aws_secret_access_key=creds.secret_key,
            aws_session_token=creds.session_token,
            config=Config(
                parameter_validation=False,
                retries={"max_attempts": 0, "total_max_attempts": 1},
                connect_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
                read_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
            ),
            **endpoint,
        )

    for module in [boto_client, *(sys.modules[n] for n in _CALLERS)]:
        if getattr(module, "boto_client_for", None) is original:
            ctx.patch(module, "boto_client_for", boto_client_for)


def _moto_endpoint() -> str:
    from moto.settings import moto_server_port

    return f"http://localhost:{moto_server_port()}"


_SERVICE = "moto.stepfunctions.parser.asl.component.state.exec.state_task"
_CALLERS = (
    f"{_SERVICE}.lambda_eval_utils",
    *(
        f"{_SERVICE}.service.state_task_service_{name}"
        for name in ("aws_sdk", "dynamodb", "sns", "sqs", "sfn", "events", "unsupported")
    ),
)


BRIDGES: tuple[Bridge, ...] = (
    parser_backend,
    definition_object,
    context_times,
    scaled_retry_waits,
    integration_credentials,
)
