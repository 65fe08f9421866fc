"""Lambda bridges: each gap on plain moto 5.2.5, then the bridge closing it.

A test whose first half fails means moto changed: re-check the bridge (it may be obsolete).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
from moto import mock_aws

from tests.tools.emulator.helpers import REGION, create_function, create_stack
from tests.tools.mini import fixture_zip
from tools.emulator import Emulator
from tools.emulator.bridges import awslambda


def _invoke(payload: bytes) -> dict[str, Any]:
    return dict(
        boto3.client("lambda", region_name=REGION).invoke(FunctionName="f", Payload=payload)
    )


def test_gap_1_lambda_runs_the_deployed_zip_in_a_warm_worker(emu: Emulator) -> None:
    with mock_aws():
        create_function()
        raw = _invoke(b"{}")
        assert raw.get("FunctionError") and b"docker" in raw["Payload"].read()

    with emu.bridged(), mock_aws():
        create_function()
        first = json.loads(_invoke(b'{"key": "k"}')["Payload"].read())
        second = json.loads(_invoke(b"{}")["Payload"].read())
        failed = _invoke(b'{"explode": true}')

    assert first == {"key": "k", "calls": 1, "fn": "f"}
    assert second["calls"] == 2  # module state survives: one warm environment
    assert failed["FunctionError"]
    assert json.loads(failed["Payload"].read())["errorType"] == "ValueError"
    assert [i.ok for i in emu.invocations("f")] == [True, True, False]


def test_an_injected_fault_fails_the_invocation_without_running_the_code(emu: Emulator) -> None:
    emu.faults.inject("minifn", times=1, key_contains="flaky", error_type="Lambda.ServiceException")

    with emu.bridged(), mock_aws():
        create_function()
        faulted = _invoke(b'{"key": "flaky"}')
        retried = json.loads(_invoke(b'{"key": "flaky"}')["Payload"].read())

    assert json.loads(faulted["Payload"].read()) == {
        "errorType": "Lambda.ServiceException",
        "errorMessage": "injected by a test",
    }
    assert retried["calls"] == 1  # the faulted invocation never reached the handler
    assert [(i.event, i.ok) for i in emu.invocations()] == [
        ({"key": "flaky"}, False),
        ({"key": "flaky"}, True),
    ]


def _function_with_dead_letter_queue(grant_send: bool = True) -> Any:
    from moto.awslambda.models import lambda_backends

    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="gap15")
    s3.put_object(Bucket="gap15", Key="fn.zip", Body=fixture_zip())
    iam = boto3.client("iam")
    role = iam.create_role(RoleName="r15", AssumeRolePolicyDocument="{}")
    if grant_send:
        statement = {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}
        document = {"Version": "2012-10-17", "Statement": [statement]}
        iam.put_role_policy(RoleName="r15", PolicyName="dlq", PolicyDocument=json.dumps(document))
    function = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "FunctionName": "f15",
            "Runtime": "python3.13",
            "Handler": "minifn.handler.lambda_handler",
            "Role": role["Role"]["Arn"],
            "Code": {"S3Bucket": "gap15", "S3Key": "fn.zip"},
            "DeadLetterConfig": {"TargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}},
        },
    }
    create_stack({"Resources": {"Dlq": {"Type": "AWS::SQS::Queue"}, "Fn": function}})
    config = boto3.client("lambda", region_name=REGION).get_function_configuration(
        FunctionName="f15"
    )
    return config.get("DeadLetterConfig"), lambda_backends["123456789012"][REGION].get_function(
        "f15"
    )


def _dead_letters() -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.list_queues()["QueueUrls"][0]
    found = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], MaxNumberOfMessages=10)
    return list(found.get("Messages", []))


def test_gap_15_dead_letter_queue_of_a_function_from_a_template(emu: Emulator) -> None:
    with mock_aws():
        config, _ = _function_with_dead_letter_queue()
        assert config is None  # moto forgets DeadLetterConfig
    error = {"errorMessage": "boom " + "x" * 2000, "errorType": "ValueError", "requestId": "r-1"}
    with emu.bridged(), mock_aws():
        _, fn = _function_with_dead_letter_queue()
        awslambda.send_to_dead_letter_queue(emu.context, fn, {"Records": []}, json.dumps(error))
        (message,) = _dead_letters()
    # What Lambda sends: the event itself as the body, and why in three attributes.
    assert json.loads(message["Body"]) == {"Records": []}
    attributes = message["MessageAttributes"]
    assert set(attributes) == {"RequestID", "ErrorCode", "ErrorMessage"}
    assert attributes["RequestID"] == {"DataType": "String", "StringValue": "r-1"}
    assert attributes["ErrorCode"] == {"DataType": "Number", "StringValue": "200"}
    kept = attributes["ErrorMessage"]["StringValue"]
    assert kept.startswith("boom x") and len(kept.encode()) == 1024  # the first 1 KB


def test_the_dead_letter_queue_is_written_with_the_function_role(emu: Emulator) -> None:
    with emu.bridged(), mock_aws():
        _, fn = _function_with_dead_letter_queue(grant_send=False)
        awslambda.send_to_dead_letter_queue(emu.context, fn, {"Records": []}, "{}")
        assert _dead_letters() == []  # lost, as on AWS (DeadLetterErrors)
    (denial,) = emu.iam.denials()
    assert (denial.caller, denial.action) == ("f15", "sqs:SendMessage")
    assert denial.resource.startswith("arn:aws:sqs:us-east-1:123456789012:")
