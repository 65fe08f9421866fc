"""The sweeper in the compute stack: scheduled by a rule, invoked asynchronously, bounded."""

from typing import Any

import pytest

from tests.stacks.helpers import of_type


@pytest.fixture(scope="module")
def compute(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return templates["compute.json"]


def test_the_rule_invokes_the_sweeper_on_the_schedule_parameter(compute: dict[str, Any]) -> None:
    (rule,) = of_type(compute, "AWS::Events::Rule").values()
    props = rule["Properties"]
    assert props["ScheduleExpression"] == {"Ref": "SweeperSchedule"}
    assert props["State"] == "ENABLED"
    assert props["Targets"] == [
        {"Arn": {"Fn::GetAtt": ["SweeperFunction", "Arn"]}, "Id": "Sweeper"}
    ]
    (permission,) = of_type(compute, "AWS::Lambda::Permission").values()
    assert permission["Properties"] == {
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Ref": "SweeperFunction"},
        "Principal": "events.amazonaws.com",
        "SourceArn": {"Fn::GetAtt": ["SweeperScheduleRule", "Arn"]},  # this rule only
    }


def test_the_sweeper_is_small_bounded_and_configured_from_the_parameters(
    compute: dict[str, Any],
) -> None:
    props = compute["Resources"]["SweeperFunction"]["Properties"]
    assert props["Handler"] == "functions.sweeper.handler.lambda_handler"
    assert (props["MemorySize"], props["Timeout"]) == (256, 300)
    assert props["TracingConfig"] == {"Mode": "Active"}
    env = props["Environment"]["Variables"]
    assert env["SWEEP_AFTER_MINUTES"] == {"Ref": "SweeperThresholdMinutes"}
    assert env["SWEEP_MAX_STARTS"] == {"Ref": "SweeperMaxStarts"}
    assert env["BUCKET_NAME"] == {"Ref": "BucketName"}
    assert env["TABLE_NAME"] == {"Ref": "TableName"}
    assert env["POWERTOOLS_SERVICE_NAME"] == "sweeper"  # the alarms' metric dimension
    config = of_type(compute, "AWS::Lambda::EventInvokeConfig")["SweeperAsyncInvokeConfig"]
    assert config["Properties"]["FunctionName"] == {"Ref": "SweeperFunction"}
    assert config["Properties"]["MaximumRetryAttempts"] == 2  # then its DLQ
