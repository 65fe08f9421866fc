"""The workflow definition: flow, Retry/Catch on every Task, a failure path that ends."""

from typing import Any

import pytest

from tests.stacks.helpers import canonical, of_type

FAILURE_PATH = {
    "Quarantine",
    "QuarantineFailed",
    "RecordFailure",
    "Notify",
    "NotifyWithPlainSubject",
}


@pytest.fixture(scope="module")
def machine(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    (resource,) = of_type(
        templates["orchestration.json"], "AWS::StepFunctions::StateMachine"
    ).values()
    return resource["Properties"]


@pytest.fixture(scope="module")
def states(machine: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return machine["Definition"]["States"]


def _targets(state: dict[str, Any]) -> list[str]:
    targets = [state[k] for k in ("Next", "Default") if k in state]
    targets += [c["Next"] for c in state.get("Choices", [])]
    targets += [c["Next"] for c in state.get("Catch", [])]
    return targets


def _resource(state: dict[str, Any]) -> str:
    return canonical(state["Resource"])


def test_standard_machine_with_tracing_logging_and_object_definition(
    machine: dict[str, Any],
) -> None:
    assert machine["StateMachineType"] == "STANDARD"
    assert machine["StateMachineName"] == {"Ref": "StateMachineName"}
    assert machine["TracingConfiguration"] == {"Enabled": True}
    (destination,) = machine["LoggingConfiguration"]["Destinations"]
    assert destination["CloudWatchLogsLogGroup"]["LogGroupArn"] == {
        "Fn::GetAtt": ["StateMachineLogGroup", "Arn"]
    }
    assert "DefinitionString" not in machine
    assert machine["Definition"]["QueryLanguage"] == "JSONPath"
    assert set(machine["DefinitionSubstitutions"]) == {
        "ValidationFunctionArn",
        "TransformationFunctionArn",
        "TableName",
        "TopicArn",
    }


def test_happy_path(states: dict[str, dict[str, Any]], machine: dict[str, Any]) -> None:
    assert machine["Definition"]["StartAt"] == "RecordStart"
    assert _resource(states["RecordStart"]) == "arn:${AWS::Partition}:states:::dynamodb:putItem"
    assert states["RecordStart"]["Next"] == "Validate"
    assert states["Validate"]["Parameters"]["FunctionName"] == "${ValidationFunctionArn}"
    assert states["Validate"]["Parameters"]["Payload"]["action"] == "validate"
    assert states["Validate"]["ResultSelector"] == {"Payload.$": "$.Payload"}
    assert states["Validate"]["Next"] == "IsValid"
    valid, invalid = states["IsValid"]["Choices"]
    assert valid["Next"] == "Transform" and invalid["Next"] == "RecordInvalid"
    assert states["IsValid"]["Default"] == "UnexpectedValidationResult"
    assert states["Transform"]["Parameters"]["FunctionName"] == "${TransformationFunctionArn}"
    assert states["Transform"]["Next"] == "RecordSuccess"
    assert _resource(states["RecordSuccess"]).endswith(":states:::dynamodb:updateItem")
    assert states["RecordSuccess"]["Next"] == "Succeeded"
    assert states["Succeeded"]["Type"] == "Succeed"
    assert states["RecordInvalid"]["Next"] == "FileRejected"
    # A rejected file is a handled outcome, not a workflow failure (keeps ExecutionsFailed meaningful).
    assert states["FileRejected"]["Type"] == "Succeed"


def test_metadata_item_follows_the_interface(states: dict[str, dict[str, Any]]) -> None:
    item = states["RecordStart"]["Parameters"]["Item"]
    assert item["file_name"] == {"S.$": "$.key"}
    assert item["process_start_time"] == {"S.$": "$$.Execution.StartTime"}
    assert item["status"] == {"S": "PROCESSING"}
    assert {"execution_arn", "version_id", "etag", "bucket"} <= set(item)
    for name in ("RecordSuccess", "RecordInvalid", "RecordFailure"):
        params = states[name]["Parameters"]
        assert params["Key"] == {
            "file_name": item["file_name"],
            "process_start_time": item["process_start_time"],
        }
        values = params["ExpressionAttributeValues"]
        expected = "SUCCEEDED" if name == "RecordSuccess" else "FAILED"
        assert values[":status"] == {"S": expected}
        assert "process_end_time = :end" in params["UpdateExpression"]
        assert ("error_message" in params["UpdateExpression"]) is (expected == "FAILED")
    invalid = states["RecordInvalid"]["Parameters"]["ExpressionAttributeValues"]
    assert invalid[":error"] == {"S.$": "$.validation.Payload.error"}


def test_every_task_retries_with_backoff_and_jitter(states: dict[str, dict[str, Any]]) -> None:
    tasks = {n: s for n, s in states.items() if s["Type"] == "Task"}
    assert len(tasks) == 9
    for name, task in tasks.items():
        assert task["Retry"], name
        for retrier in task["Retry"]:
            assert retrier["BackoffRate"] > 1, name
            assert 1 <= retrier["MaxAttempts"] <= 6, name
            assert retrier["JitterStrategy"] == "FULL", name
            assert "IntervalSeconds" in retrier, name
        assert task["Retry"][-1]["ErrorEquals"] == ["States.ALL"], name


def test_every_task_catches_everything(states: dict[str, dict[str, Any]]) -> None:
    for name, state in states.items():
        if state["Type"] != "Task":
            continue
        (catch,) = state["Catch"]
        assert catch["ErrorEquals"] == ["States.ALL"], name
        if name not in FAILURE_PATH:
            # Main path: mark the failed stage, then quarantine.
            marker = states[catch["Next"]]
            assert catch["ResultPath"] == "$.error"
            assert marker["Type"] == "Pass" and marker["ResultPath"] == "$.failed_stage"
            assert marker["Next"] == "Quarantine"


def test_failure_path_quarantines_records_notifies_and_fails(
    states: dict[str, dict[str, Any]],
) -> None:
    quarantine = states["Quarantine"]
    assert quarantine["Parameters"]["FunctionName"] == "${ValidationFunctionArn}"
    payload = quarantine["Parameters"]["Payload"]
    assert payload["action"] == "quarantine"
    assert payload["error.$"] == "$.error"
    assert payload["stage.$"] == "$.failed_stage"
    assert quarantine["Next"] == "RecordFailure"
    assert quarantine["Catch"][0]["Next"] == "QuarantineFailed"
    assert states["QuarantineFailed"]["Next"] == "RecordFailure"
    assert states["RecordFailure"]["Next"] == "Notify"
    assert states["RecordFailure"]["Catch"][0]["Next"] == "Notify"
    for name in ("Notify", "NotifyWithPlainSubject"):
        notify = states[name]
        assert _resource(notify) == "arn:${AWS::Partition}:states:::sns:publish"
        assert notify["Parameters"]["TopicArn"] == "${TopicArn}"
        assert set(notify["Parameters"]["Message"]) == {
            "file.$",
            "bucket.$",
            "stage.$",
            "error.$",
            "execution_arn.$",
        }
        assert notify["Next"] == "PipelineFailed"
    assert "CSV ETL failure: {}" in states["Notify"]["Parameters"]["Subject.$"]
    assert states["PipelineFailed"]["Type"] == "Fail"


def test_transitions_are_valid_every_state_is_reachable_and_nothing_loops(
    states: dict[str, dict[str, Any]], machine: dict[str, Any]
) -> None:
    for name, state in states.items():
        for target in _targets(state):
            assert target in states, f"{name} -> {target}"
        terminal = state["Type"] in {"Succeed", "Fail"} or state.get("End")
        assert terminal or _targets(state), name
    seen: set[str] = set()
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"cycle through {name}: {path}"
        if name in seen:
            return
        for target in _targets(states[name]):
            visit(target, (*path, name))
        seen.add(name)
        order.append(name)

    visit(machine["Definition"]["StartAt"], ())
    assert seen == set(states)


def test_retry_interval_is_a_fixed_integer(
    templates: dict[str, dict[str, Any]], states: dict[str, dict[str, Any]]
) -> None:
    # ASL wants whole seconds; the emulator scales every wait, so no parameter is needed.
    assert "Conditions" not in templates["orchestration.json"]
    intervals = {
        retrier["IntervalSeconds"]
        for state in states.values()
        for retrier in state.get("Retry", [])
    }
    assert intervals == {2}
