"""Step Functions bridges: each gap on plain moto 5.2.5, then the bridge closing it.

A test whose first half fails means moto changed: re-check the bridge (it may be obsolete).
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.tools.emulator.helpers import REGION, create_stack
from tools.emulator import Emulator
from tools.emulator.bridges import stepfunctions
from tools.emulator.calls import AwsCall

EXECUTE = {"stepfunctions": {"execute_state_machine": True}}


def _state_machine_template(definition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Resources": {
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "StateMachineName": "m",
                    "RoleArn": "arn:aws:iam::123456789012:role/r",
                    "Definition": definition,
                    "DefinitionSubstitutions": {"Value": "substituted"},
                },
            }
        }
    }


PASS_DEFINITION = {
    "StartAt": "P",
    "States": {
        "P": {
            "Type": "Pass",
            "Parameters": {"started.$": "$$.Execution.StartTime", "v": "${Value}"},
            "ResultPath": "$.out",
            "Next": "Q",
        },
        "Q": {"Type": "Pass", "Result": "dropped", "ResultPath": None, "End": True},
    },
}


def test_gap_8a_and_12_state_machine_from_a_template(emu: Emulator) -> None:
    with mock_aws(config=EXECUTE):  # type: ignore[arg-type]
        create_stack(_state_machine_template(PASS_DEFINITION))
        assert boto3.client("stepfunctions", region_name=REGION).list_state_machines()["stateMachines"] == []  # fmt: skip

    with emu.bridged(), mock_aws():
        create_stack(_state_machine_template(PASS_DEFINITION))
        sfn = boto3.client("stepfunctions", region_name=REGION)
        (machine,) = sfn.list_state_machines()["stateMachines"]
        definition = json.loads(sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])["definition"])  # fmt: skip
    assert definition["States"]["P"]["Parameters"]["v"] == "substituted"
    assert definition["States"]["Q"]["ResultPath"] is None  # gap 14 (cloudformation) as well


def _run_pass_machine() -> dict[str, Any]:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"t.$": "$$.Execution.StartTime", "e.$": "$$.State.EnteredTime"}, "End": True}}}  # fmt: skip
    arn = sfn.create_state_machine(name="p", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/r")["stateMachineArn"]  # fmt: skip
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    for _ in range(100):
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            return dict(described)
        time.sleep(0.02)
    raise AssertionError("execution did not finish")


def test_gap_11_context_start_time_is_an_iso_string(emu: Emulator) -> None:
    with mock_aws(config=EXECUTE), pytest.raises(TypeError, match="datetime is not JSON"):  # type: ignore[arg-type]
        _run_pass_machine()
    with emu.bridged(), mock_aws():
        fixed = _run_pass_machine()
    assert fixed["status"] == "SUCCEEDED"
    output = json.loads(fixed["output"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", output["t"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", output["e"])


def test_gap_8b_retry_intervals_are_scaled_by_the_time_scale(emu: Emulator) -> None:
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

    waits: list[float] = []
    recording = dataclasses.replace(emu.context, time_scale=0.25, real_sleep=waits.append)
    assert retrier_decl.time is time  # moto's retrier sleeps the policy's whole seconds

    stepfunctions.scaled_retry_waits(recording)
    retrier_sleep = retrier_decl.time.sleep
    recording.patches.undo()
    retrier_sleep(2)  # what the retrier calls for "IntervalSeconds": 2

    assert waits == [0.5]
    assert retrier_decl.time is time


def _integration_callers(emu: Emulator) -> list[tuple[str, str]]:
    """Run a one-task machine (dynamodb:putItem); the callers of the calls the seam saw."""
    seen: list[AwsCall] = []
    emu.calls.before.append(seen.append)
    ddb = boto3.client("dynamodb", region_name=REGION)
    ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    iam = boto3.client("iam")  # the role may write the table (the emulator enforces IAM)
    iam.create_role(RoleName="writer-role", AssumeRolePolicyDocument="{}")
    grant = {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}
    iam.put_role_policy(RoleName="writer-role", PolicyName="p",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [grant]}))  # fmt: skip
    sfn = boto3.client("stepfunctions", region_name=REGION)
    task = {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "End": True,
            "Parameters": {"TableName": "t", "Item": {"k": {"S": "1"}}}}  # fmt: skip
    arn = sfn.create_state_machine(
        name="writer",
        definition=json.dumps({"StartAt": "Put", "States": {"Put": task}}),
        roleArn="arn:aws:iam::123456789012:role/writer-role",
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    for _ in range(200):
        if sfn.describe_execution(executionArn=execution)["status"] != "RUNNING":
            break
        time.sleep(0.02)
    emu.calls.before.remove(seen.append)
    return [
        (c.principal.kind.value, c.principal.role_arn) for c in seen if c.operation == "PutItem"
    ]


def test_gap_16_service_integrations_sign_as_the_state_machine_role(emu: Emulator) -> None:
    from tools.emulator.bridges.requests import call_hooks

    # plain moto (only the call seam applied, to see the calls): the fixed key "ak"
    with mock_aws(config=EXECUTE):  # type: ignore[arg-type]
        call_hooks(emu.context)
        try:
            assert _integration_callers(emu) == [("harness", "")]
        finally:
            emu.context.patches.undo()
    with emu.bridged(), mock_aws():
        callers = _integration_callers(emu)
    assert callers == [("state-machine", "arn:aws:iam::123456789012:role/writer-role")]
