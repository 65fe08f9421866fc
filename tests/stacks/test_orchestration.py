"""The orchestration stack: a Standard state machine, traced, logging to its encrypted group."""

import re
from typing import Any

from tests.stacks.helpers import canonical, walk


def test_standard_machine_with_tracing_logging_and_object_definition(
    machine: dict[str, Any],
) -> None:
    assert machine["StateMachineType"] == "STANDARD"
    assert machine["StateMachineName"] == {"Ref": "StateMachineName"}
    assert machine["RoleArn"] == {"Fn::GetAtt": ["StateMachineRole", "Arn"]}
    assert machine["TracingConfiguration"] == {"Enabled": True}
    assert machine["LoggingConfiguration"]["Level"] == "ERROR"
    (destination,) = machine["LoggingConfiguration"]["Destinations"]
    assert destination["CloudWatchLogsLogGroup"]["LogGroupArn"] == {
        "Fn::GetAtt": ["StateMachineLogGroup", "Arn"]
    }
    # An object, not a string: cfn-lint validates the ASL.
    assert "DefinitionString" not in machine
    assert isinstance(machine["Definition"], dict)


def test_every_placeholder_of_the_definition_is_substituted_from_a_parameter(
    machine: dict[str, Any],
) -> None:
    placeholders = {
        match
        for value in walk(machine["Definition"])
        if isinstance(value, str)
        for match in re.findall(r"\$\{(\w+)\}", value)
    }
    substitutions = machine["DefinitionSubstitutions"]
    assert (
        placeholders
        == set(substitutions)
        == {
            "ValidationFunctionArn",
            "TransformationFunctionArn",
            "TableName",
            "TopicArn",
        }
    )
    assert {name: canonical(value) for name, value in substitutions.items()} == {
        name: "${" + name + "}" for name in substitutions
    }


def test_log_group_is_the_vended_logs_group_of_the_machine(
    templates: dict[str, dict[str, Any]],
) -> None:
    group = templates["orchestration.json"]["Resources"]["StateMachineLogGroup"]["Properties"]
    assert canonical(group["LogGroupName"]) == "/aws/vendedlogs/states/${StateMachineName}"


def test_outputs(templates: dict[str, dict[str, Any]]) -> None:
    outputs = templates["orchestration.json"]["Outputs"]
    assert {name: output["Value"] for name, output in outputs.items()} == {
        "StateMachineArn": {"Ref": "StateMachine"},
        "StateMachineName": {"Fn::GetAtt": ["StateMachine", "Name"]},
        "StateMachineLogGroupName": {"Ref": "StateMachineLogGroup"},
    }


def test_the_workflow_times_out_after_its_longest_legitimate_run(
    machine: dict[str, Any], templates: dict[str, dict[str, Any]]
) -> None:
    # Without TimeoutSeconds a Standard execution runs up to a year: ExecutionsTimedOut
    # could never fire. The longest legitimate run: each Lambda task's attempts (1 + its
    # States.ALL retries) at the function timeout plus the longest retry wait.
    from stacks.compute import TIMEOUT_SECONDS
    from stacks.workflow.asl import MAX_DELAY_SECONDS, TASK_RETRY_ATTEMPTS

    lambda_tasks = [
        s
        for s in machine["Definition"]["States"].values()
        if "lambda:invoke" in str(s.get("Resource"))
    ]
    longest = len(lambda_tasks) * (TASK_RETRY_ATTEMPTS + 1) * (TIMEOUT_SECONDS + MAX_DELAY_SECONDS)
    timeout = machine["Definition"]["TimeoutSeconds"]
    assert longest < timeout <= 2 * longest
    alarms = templates["monitoring.json"]["Resources"]
    assert (
        alarms["StateMachineExecutionsTimedOutAlarm"]["Properties"]["MetricName"]
        == "ExecutionsTimedOut"
    )
