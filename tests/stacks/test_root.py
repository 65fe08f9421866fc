"""The root template: parameters, nested stacks and their wiring."""

import re
from typing import Any

import pytest

from contract.deployment import TAGS
from tests.stacks.helpers import of_type, walk

ROOT_PARAMETERS = {
    "ProjectName",
    "Stage",
    "NotificationEmail",
    "ArtifactsBucket",
    "ValidationCodeKey",
    "TransformationCodeKey",
    "SweeperCodeKey",
    "LayerCodeKey",
    "MaxInvalidRowRatio",
    "SourceTimezone",
    "ReservedConcurrency",
    "LogRetentionDays",
    "SweeperSchedule",
    "SweeperThresholdMinutes",
    "SweeperMaxStarts",
    "LogLevel",
}


@pytest.fixture(scope="module")
def root(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return templates["root.json"]


def test_root_parameters_are_exactly_the_documented_ones(root: dict[str, Any]) -> None:
    assert set(root["Parameters"]) == ROOT_PARAMETERS


def test_pinned_defaults(root: dict[str, Any]) -> None:
    params = root["Parameters"]
    assert params["Stage"]["AllowedValues"] == ["dev", "staging", "prod"]
    assert params["Stage"]["Default"] == "prod"
    assert params["MaxInvalidRowRatio"]["Default"] == "0"
    assert params["SourceTimezone"]["Default"] == "UTC"
    assert params["NotificationEmail"]["Default"] == ""
    assert params["ReservedConcurrency"]["Default"] == "0"  # a fresh account reserves nothing


def test_every_root_parameter_is_in_exactly_one_labelled_group(root: dict[str, Any]) -> None:
    interface = root["Metadata"]["AWS::CloudFormation::Interface"]
    groups = {g["Label"]["default"]: g["Parameters"] for g in interface["ParameterGroups"]}
    assert groups == {
        "Deployment": ["ProjectName", "Stage", "NotificationEmail"],
        "Code artifacts": [
            "ArtifactsBucket",
            "ValidationCodeKey",
            "TransformationCodeKey",
            "SweeperCodeKey",
            "LayerCodeKey",
        ],
        "Functions": ["ReservedConcurrency", "LogLevel"],
        "Data contract": ["MaxInvalidRowRatio", "SourceTimezone"],
        "Operations": [
            "LogRetentionDays",
            "SweeperSchedule",
            "SweeperThresholdMinutes",
            "SweeperMaxStarts",
        ],
    }
    assert list(groups) == [
        "Deployment",
        "Code artifacts",
        "Functions",
        "Data contract",
        "Operations",
    ]
    assert sorted(p for ps in groups.values() for p in ps) == sorted(ROOT_PARAMETERS)
    labels = interface["ParameterLabels"]
    assert set(labels) == ROOT_PARAMETERS
    assert all(label["default"] for label in labels.values())


def test_nested_stacks_use_plain_file_names_and_pass_every_child_parameter(
    root: dict[str, Any], templates: dict[str, dict[str, Any]]
) -> None:
    stacks = of_type(root, "AWS::CloudFormation::Stack")
    assert {s["Properties"]["TemplateURL"] for s in stacks.values()} == {
        "messaging.json",
        "data.json",
        "compute.json",
        "storage.json",
        "orchestration.json",
        "monitoring.json",
    }
    for logical_id, stack in stacks.items():
        child = templates[stack["Properties"]["TemplateURL"]]
        passed = set(stack["Properties"].get("Parameters", {}))
        required = {n for n, p in child.get("Parameters", {}).items() if "Default" not in p}
        assert required <= passed, logical_id
        assert passed <= set(child.get("Parameters", {})), logical_id


def test_children_are_wired_only_through_outputs_that_exist(
    root: dict[str, Any], templates: dict[str, dict[str, Any]]
) -> None:
    stacks = of_type(root, "AWS::CloudFormation::Stack")
    for value in walk(root):
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            logical_id, attribute = value["Fn::GetAtt"]
            assert attribute.startswith("Outputs."), value
            child = templates[stacks[logical_id]["Properties"]["TemplateURL"]]
            assert attribute.removeprefix("Outputs.") in child["Outputs"], value
    for name, template in templates.items():
        for value in walk(template):
            assert not (
                isinstance(value, dict) and ("Export" in value or "Fn::ImportValue" in value)
            ), name


def test_nested_stacks_are_tagged(root: dict[str, Any]) -> None:
    for stack in of_type(root, "AWS::CloudFormation::Stack").values():
        assert {t["Key"]: t["Value"] for t in stack["Properties"]["Tags"]} == TAGS


def test_deterministic_names_fit_their_limits(root: dict[str, Any]) -> None:
    storage = root["Resources"]["Storage"]["Properties"]["Parameters"]
    bucket = storage["BucketName"]["Fn::Sub"]
    assert "AWS::StackName" not in bucket
    longest = (
        bucket.replace("${ProjectName}", "a" * 21)
        .replace("${Stage}", "staging")
        .replace("${AWS::AccountId}", "1" * 12)
        .replace("${AWS::Region}", "ap-southeast-4")
    )
    assert len(longest) <= 63
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*[a-z0-9]", longest)
    compute = root["Resources"]["Compute"]["Properties"]["Parameters"]
    orchestration = root["Resources"]["Orchestration"]["Properties"]["Parameters"]
    assert compute["StateMachineName"] == orchestration["StateMachineName"]
    assert compute["BucketName"] == storage["BucketName"]


def test_outputs_are_what_operators_and_the_tools_read(root: dict[str, Any]) -> None:
    outputs = {name: output["Value"]["Fn::GetAtt"] for name, output in root["Outputs"].items()}
    # The root re-exports a child's output under the child's name for it.
    assert all(attribute == f"Outputs.{name}" for name, (_, attribute) in outputs.items())
    assert {name: child for name, (child, _) in outputs.items()} == {
        "BucketName": "Storage",
        "AccessLogBucketName": "Storage",
        "TableName": "Data",
        "TopicArn": "Messaging",
        "KeyArn": "Messaging",
        "ValidationFunctionName": "Compute",
        "TransformationFunctionName": "Compute",
        "ValidationDeadLetterQueueUrl": "Compute",
        "SweeperFunctionName": "Compute",
        "SweeperDeadLetterQueueUrl": "Compute",
        "SweeperLogGroupName": "Compute",
        "ValidationLogGroupName": "Compute",
        "TransformationLogGroupName": "Compute",
        "StateMachineArn": "Orchestration",
        "StateMachineLogGroupName": "Orchestration",
        "DashboardName": "Monitoring",
    }
