"""CloudFormation bridges: each gap on plain moto 5.2.5, then the bridge closing it.

A test whose first half fails means moto changed: re-check the bridge (it may be obsolete).
"""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tests.tools.emulator.helpers import REGION, create_stack
from tools.emulator import Emulator


def _nested_outputs() -> dict[str, str]:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="gap5")
    child = {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}, "Outputs": {"Name": {"Value": {"Fn::GetAtt": ["Q", "QueueName"]}}}}  # fmt: skip
    s3.put_object(Bucket="gap5", Key="child.json", Body=json.dumps(child).encode())
    root = {
        "Resources": {
            "Child": {
                "Type": "AWS::CloudFormation::Stack",
                "Properties": {"TemplateURL": "https://s3.us-east-1.amazonaws.com/gap5/child.json"},
            }
        },
        "Outputs": {"FromChild": {"Value": {"Fn::GetAtt": ["Child", "Outputs.Name"]}}},
    }
    stack = create_stack(root, "root")
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def test_gap_5_getatt_of_a_nested_stack_output(emu: Emulator) -> None:
    with mock_aws():
        assert _nested_outputs() == {}  # the GetAtt fails inside moto; the output is dropped
    with emu.bridged(), mock_aws():
        assert _nested_outputs()["FromChild"].startswith("root-Child-")


QUEUE_TEMPLATE = json.dumps(
    {
        "Parameters": {"P": {"Type": "String", "Default": "d"}},
        "Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"QueueName": {"Value": {"Fn::GetAtt": ["Q", "QueueName"]}}},
    }
)
PARAMETERS = [{"ParameterKey": "P", "ParameterValue": "v"}]


def _change_set(cfn: Any, kind: str) -> dict[str, Any]:
    cfn.create_change_set(StackName="cs", ChangeSetName=f"c{time.monotonic_ns()}", TemplateBody=QUEUE_TEMPLATE, Parameters=PARAMETERS, ChangeSetType=kind)  # fmt: skip
    return dict(cfn.describe_change_set(StackName="cs", ChangeSetName=cfn.list_change_sets(StackName="cs")["Summaries"][-1]["ChangeSetName"]))  # fmt: skip


def test_gap_6_and_7_change_set_outputs_and_empty_change_set(emu: Emulator) -> None:
    with mock_aws():
        cfn = boto3.client("cloudformation", region_name=REGION)
        created = _change_set(cfn, "CREATE")
        cfn.execute_change_set(ChangeSetName=created["ChangeSetId"])
        assert "Outputs" not in cfn.describe_stacks(StackName="cs")["Stacks"][0]
        with pytest.raises(ClientError, match="No updates are to be performed"):
            _change_set(cfn, "UPDATE")

    with emu.bridged(), mock_aws():
        cfn = boto3.client("cloudformation", region_name=REGION)
        created = _change_set(cfn, "CREATE")
        cfn.execute_change_set(ChangeSetName=created["ChangeSetId"])
        outputs = cfn.describe_stacks(StackName="cs")["Stacks"][0]["Outputs"]
        empty = _change_set(cfn, "UPDATE")
    assert outputs[0]["OutputKey"] == "QueueName"
    assert empty["Status"] == "FAILED"
    assert "didn't contain changes" in empty["StatusReason"]


def test_gap_9_termination_protection(emu: Emulator) -> None:
    with mock_aws():
        create_stack(json.loads(QUEUE_TEMPLATE), "tp")
        cfn = boto3.client("cloudformation", region_name=REGION)
        with pytest.raises(Exception, match=r"not been implemented|500"):
            cfn.update_termination_protection(StackName="tp", EnableTerminationProtection=True)

    with emu.bridged(), mock_aws():
        create_stack(json.loads(QUEUE_TEMPLATE), "tp")
        cfn = boto3.client("cloudformation", region_name=REGION)
        cfn.update_termination_protection(StackName="tp", EnableTerminationProtection=True)
        assert cfn.describe_stacks(StackName="tp")["Stacks"][0]["EnableTerminationProtection"]
        with pytest.raises(ClientError, match="TerminationProtection is enabled"):
            cfn.delete_stack(StackName="tp")
        cfn.update_termination_protection(StackName="tp", EnableTerminationProtection=False)
        cfn.delete_stack(StackName="tp")


SUB_TEMPLATE = {
    "Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
    "Outputs": {"Path": {"Value": {"Fn::Sub": ["$$.Execution.StartTime ${X}", {"X": "x"}]}}},
}


def test_gap_10_fn_sub_keeps_double_dollar(emu: Emulator) -> None:
    with mock_aws():
        raw = create_stack(SUB_TEMPLATE)["Outputs"][0]["OutputValue"]
    with emu.bridged(), mock_aws():
        fixed = create_stack(SUB_TEMPLATE)["Outputs"][0]["OutputValue"]
    assert raw == "$.Execution.StartTime x"
    assert fixed == "$$.Execution.StartTime x"


def test_gap_14_template_keeps_literal_nulls(emu: Emulator) -> None:
    from moto.cloudformation import parsing

    resource = {"ResultPath": None, "Next": "Q", "Dropped": {"Ref": "AWS::NoValue"}}
    assert parsing.clean_json(resource, {"AWS::NoValue": None}) == {"Next": "Q"}
    with emu.bridged():
        assert parsing.clean_json(resource, {"AWS::NoValue": None}) == {
            "ResultPath": None,
            "Next": "Q",
        }


def _stateful(deletion_policy: str, failing: bool) -> dict[str, Any]:
    """A bucket with a fixed name, a table and a queue; then (maybe) a resource that fails."""
    policy = {"DeletionPolicy": deletion_policy, "UpdateReplacePolicy": "Retain"}
    resources: dict[str, Any] = {
        "Bucket": {"Type": "AWS::S3::Bucket", **policy, "Properties": {"BucketName": "fixed-data"}},
        "Table": {"Type": "AWS::DynamoDB::Table", **policy, "DependsOn": "Bucket", "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}]}},
        "Queue": {"Type": "AWS::SQS::Queue", **policy, "DependsOn": "Table"},
    }  # fmt: skip
    if failing:  # an invalid property value: moto fails creating it
        resources["Broken"] = {"Type": "AWS::SQS::Queue", "DependsOn": "Queue",
                               "Properties": {"MessageRetentionPeriod": "not-a-number"}}  # fmt: skip
    return {"Resources": resources}


def _left_behind() -> dict[str, list[str]]:
    return {
        "buckets": [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]],
        "tables": boto3.client("dynamodb", region_name=REGION).list_tables()["TableNames"],
        "queues": boto3.client("sqs", region_name=REGION).list_queues().get("QueueUrls", []),
    }


def _create(template: dict[str, Any]) -> str:
    cfn = boto3.client("cloudformation", region_name=REGION)
    with pytest.raises((ClientError, ValueError)):  # in-process, moto raises the error itself
        cfn.create_stack(StackName="first", TemplateBody=json.dumps(template))
    return str(cfn.describe_stacks(StackName="first")["Stacks"][0]["StackStatus"])


def test_gap_25_a_failed_first_create_is_rolled_back(emu: Emulator) -> None:
    with mock_aws():
        status = _create(_stateful("RetainExceptOnCreate", failing=True))
        assert status == "CREATE_IN_PROGRESS" and _left_behind()["buckets"] == ["fixed-data"]
    with emu.bridged(), mock_aws():
        status = _create(_stateful("RetainExceptOnCreate", failing=True))
        left = _left_behind()

    assert status == "ROLLBACK_COMPLETE"
    assert left == {"buckets": [], "tables": [], "queues": []}  # a retry cannot collide
    with emu.bridged(), mock_aws():  # Retain keeps even what a failed create made, as on AWS
        _create(_stateful("Retain", failing=True))
        assert _left_behind()["buckets"] == ["fixed-data"]


def test_gap_24_retain_except_on_create_keeps_data_when_a_stack_is_deleted(emu: Emulator) -> None:
    with mock_aws():
        create_stack(_stateful("RetainExceptOnCreate", failing=False), "kept")
        boto3.client("cloudformation", region_name=REGION).delete_stack(StackName="kept")
        assert _left_behind()["buckets"] == []  # moto deletes it
    with emu.bridged(), mock_aws():
        create_stack(_stateful("RetainExceptOnCreate", failing=False), "kept")
        boto3.client("cloudformation", region_name=REGION).delete_stack(StackName="kept")
        left = _left_behind()
    assert left["buckets"] == ["fixed-data"] and len(left["tables"]) == len(left["queues"]) == 1
