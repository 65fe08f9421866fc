"""Least privilege: for each role, the exact (action, resource) pairs, and nothing else.

Resources are compared in canonical form (see helpers.canonical): ``${BucketName}`` is the
compute stack's parameter, ``${ValidationLogGroup.Arn}`` a GetAtt, and so on.
"""

from typing import Any

import pytest

from tests.stacks.helpers import canonical, of_type

BUCKET = "arn:${AWS::Partition}:s3:::${BucketName}"
RAW = BUCKET + "/raw/*"
FAILED = BUCKET + "/failed/*"
PROCESSED = BUCKET + "/processed/*"
STATE_MACHINE = (
    "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${StateMachineName}"
)
XRAY = {
    ("xray:PutTraceSegments", "*"),
    ("xray:PutTelemetryRecords", "*"),
    ("xray:GetSamplingRules", "*"),
    ("xray:GetSamplingTargets", "*"),
}


def _function_baseline(title: str) -> set[tuple[str, str]]:
    """What every function role holds: its DLQ, the key, its own log group, X-Ray."""
    return {
        ("sqs:SendMessage", "${" + title + "DeadLetterQueue.Arn}"),
        ("kms:Decrypt", "${KeyArn}"),
        ("kms:GenerateDataKey", "${KeyArn}"),
        ("logs:CreateLogStream", "${" + title + "LogGroup.Arn}"),
        ("logs:PutLogEvents", "${" + title + "LogGroup.Arn}"),
        ("s3:ListBucket", BUCKET),
        ("s3:GetObject", RAW),
        ("s3:GetObjectVersion", RAW),
        ("s3:DeleteObject", RAW),
        ("s3:DeleteObjectVersion", RAW),
    } | XRAY


EXPECTED: dict[tuple[str, str], set[tuple[str, str]]] = {
    ("compute.json", "ValidationRole"): _function_baseline("Validation")
    | {
        ("s3:PutObject", FAILED),
        ("s3:AbortMultipartUpload", FAILED),
        ("s3:GetObject", FAILED),
        ("states:StartExecution", STATE_MACHINE),
    },
    ("compute.json", "TransformationRole"): _function_baseline("Transformation")
    | {
        ("s3:PutObject", PROCESSED),
        ("s3:AbortMultipartUpload", PROCESSED),
        ("s3:GetObject", PROCESSED),
    },
    ("orchestration.json", "StateMachineRole"): {
        ("lambda:InvokeFunction", "${ValidationFunctionArn}"),
        ("lambda:InvokeFunction", "${TransformationFunctionArn}"),
        ("dynamodb:PutItem", "${TableArn}"),
        ("dynamodb:UpdateItem", "${TableArn}"),
        ("sns:Publish", "${TopicArn}"),
        # Quarantine through S3 integrations: read the raw/ version and its tags, write the
        # copy (tags kept) and the report, HEAD the holder (404, not 403: ListBucket), delete
        # exactly the raw/ version.
        ("s3:ListBucket", BUCKET),
        ("s3:GetObject", RAW),
        ("s3:GetObjectVersion", RAW),
        ("s3:GetObjectVersionTagging", RAW),
        ("s3:GetObjectTagging", RAW),
        ("s3:PutObject", FAILED),
        ("s3:PutObjectTagging", FAILED),
        ("s3:GetObject", FAILED),
        ("s3:DeleteObjectVersion", RAW),
        ("kms:Decrypt", "${KeyArn}"),
        ("kms:GenerateDataKey", "${KeyArn}"),
        ("logs:CreateLogDelivery", "*"),
        ("logs:GetLogDelivery", "*"),
        ("logs:UpdateLogDelivery", "*"),
        ("logs:DeleteLogDelivery", "*"),
        ("logs:ListLogDeliveries", "*"),
        ("logs:PutResourcePolicy", "*"),
        ("logs:DescribeResourcePolicies", "*"),
        ("logs:DescribeLogGroups", "*"),
    }
    | XRAY,
}

TRUSTED = {
    "ValidationRole": "lambda.amazonaws.com",
    "TransformationRole": "lambda.amazonaws.com",
    "StateMachineRole": "states.amazonaws.com",
}


def _pairs(role: dict[str, Any]) -> set[tuple[str, str]]:
    pairs = set()
    for policy in role["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            assert "NotAction" not in statement and "NotResource" not in statement
            assert "Condition" not in statement  # conditions would hide in the pair set
            for action in statement["Action"]:
                for resource in statement["Resource"]:
                    pairs.add((action, canonical(resource)))
    return pairs


def test_every_role_is_in_the_table(templates: dict[str, dict[str, Any]]) -> None:
    roles = {
        (name, logical_id)
        for name, template in templates.items()
        for logical_id in of_type(template, "AWS::IAM::Role")
    }
    assert roles == set(EXPECTED)


@pytest.mark.parametrize(("file", "role"), sorted(EXPECTED))
def test_role_grants_exactly_the_expected_pairs(
    templates: dict[str, dict[str, Any]], file: str, role: str
) -> None:
    resource = templates[file]["Resources"][role]
    assert _pairs(resource) == EXPECTED[(file, role)]
    assert "ManagedPolicyArns" not in resource["Properties"]


@pytest.mark.parametrize(("file", "role"), sorted(EXPECTED))
def test_role_trusts_one_service_for_this_account_only(
    templates: dict[str, dict[str, Any]], file: str, role: str
) -> None:
    trust = templates[file]["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": [TRUSTED[role]]}
    assert statement["Action"] == ["sts:AssumeRole"]
    assert canonical(statement["Condition"]["StringEquals"]["aws:SourceAccount"]) == (
        "${AWS::AccountId}"
    )


def test_no_wildcard_action_and_wildcard_resource_only_for_xray_and_log_delivery() -> None:
    for pairs in EXPECTED.values():
        for action, resource in pairs:
            assert "*" not in action
            if resource == "*":
                assert (
                    action.startswith("xray:")
                    or "LogDeliver" in action
                    or action
                    in {
                        "logs:PutResourcePolicy",
                        "logs:DescribeResourcePolicies",
                        "logs:DescribeLogGroups",
                    }
                )


def test_arns_never_hard_code_the_partition(templates: dict[str, dict[str, Any]]) -> None:
    for name, text in ((n, str(t)) for n, t in templates.items()):
        assert "arn:aws:" not in text, name
