"""Step Functions bridges: state machines from templates execute, with AWS's context times
and scaled-down retry waits."""

from __future__ import annotations

import contextlib
import datetime
import json
from types import SimpleNamespace
from typing import Any

from tools.emulator.context import Bridge, Context


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


BRIDGES: tuple[Bridge, ...] = (parser_backend, definition_object, context_times, scaled_retry_waits)
