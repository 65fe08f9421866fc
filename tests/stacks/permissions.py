"""Every permission each role holds, accounted for: exercised by the e2e suite, or reviewed.

``EXERCISED`` is what the end-to-end suite's calls were allowed by, per role (the emulator's
IAM ledger records which statement granted each call; tests/e2e/iam.py compares). ``REVIEWED``
is what the suite cannot exercise locally, each with the reason. tests/stacks/test_iam.py
checks that the two together are exactly the templates' grants, so a new permission fails
the unit suite until it is placed in one of them, and the e2e suite fails when an EXERCISED
pair goes unexercised or a REVIEWED one turns out exercised.

Resources are in canonical form (tests/stacks/helpers.canonical): ``${BucketName}`` is the
compute stack's parameter, ``${ValidationLogGroup.Arn}`` a GetAtt, and so on.
"""

from __future__ import annotations

Role = tuple[str, str]  # (template file, logical id)
Pair = tuple[str, str]  # (action, canonical resource)

VALIDATION: Role = ("compute.json", "ValidationRole")
TRANSFORMATION: Role = ("compute.json", "TransformationRole")
STATE_MACHINE: Role = ("orchestration.json", "StateMachineRole")
SWEEPER: Role = ("compute.json", "SweeperRole")

BUCKET = "arn:${AWS::Partition}:s3:::${BucketName}"
RAW = BUCKET + "/raw/*"
FAILED = BUCKET + "/failed/*"
PROCESSED = BUCKET + "/processed/*"
STAGING = BUCKET + "/staging/*"
WORKFLOW = (
    "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${StateMachineName}"
)
KEY = "${KeyArn}"
EXECUTIONS = (
    "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${StateMachineName}:*"
)

EXERCISED: dict[Role, set[Pair]] = {
    VALIDATION: {
        ("s3:GetObjectVersion", RAW),  # validate (HEAD, ranged GETs) and copy the version
        ("s3:ListBucket", BUCKET),  # a missing failed/<path>.error.json answers 404, not 403
        ("s3:PutObject", FAILED),  # the copy of an invalid file, its report
        ("s3:GetObjectVersionTagging", RAW),  # copying a tagged file copies its tags
        ("s3:PutObjectTagging", FAILED),
        ("s3:GetObject", FAILED),  # who holds failed/<path> (newest wins), the report on a retry
        ("s3:DeleteObjectVersion", RAW),
        ("s3:PutObject", STAGING),  # a valid file's output, staged for the transformation
        ("states:StartExecution", WORKFLOW),
        ("kms:GenerateDataKey", KEY),  # sending to the encrypted DLQ
        ("kms:Decrypt", KEY),
        ("sqs:SendMessage", "${ValidationDeadLetterQueue.Arn}"),  # Lambda, with this role
    },
    TRANSFORMATION: {
        # It never reads raw/: HEAD of the staged output, the copy of that exact version to
        # processed/, then its delete.
        ("s3:GetObject", STAGING),
        ("s3:GetObjectVersion", STAGING),
        ("s3:DeleteObjectVersion", STAGING),
        ("s3:ListBucket", BUCKET),  # a retry after success: the staged output is gone (404)
        ("s3:PutObject", PROCESSED),
        ("s3:GetObject", PROCESSED),  # ... and processed/<path> answers for it
        ("s3:DeleteObjectVersion", RAW),
    },
    SWEEPER: {
        ("s3:ListBucketVersions", BUCKET),  # what raw/ still holds, and how old
        ("states:DescribeExecution", EXECUTIONS),  # attempt n exists? running?
        ("states:StartExecution", WORKFLOW),  # the next attempt of a leftover
        ("dynamodb:Query", "${TableArn}"),  # the sequencer a stranded version's item recorded
        ("kms:GenerateDataKey", KEY),  # Lambda sending a failed scheduled event to its DLQ
        ("kms:Decrypt", KEY),
        ("sqs:SendMessage", "${SweeperDeadLetterQueue.Arn}"),
    },
    STATE_MACHINE: {
        ("lambda:InvokeFunction", "${ValidationFunctionArn}"),
        ("lambda:InvokeFunction", "${TransformationFunctionArn}"),
        ("dynamodb:PutItem", "${TableArn}"),
        ("dynamodb:UpdateItem", "${TableArn}"),
        ("sns:Publish", "${TopicArn}"),  # the one publisher of failure notifications
        ("kms:GenerateDataKey", KEY),  # publishing to the encrypted topic
        ("kms:Decrypt", KEY),
        # The failure path's quarantine through S3 integrations: who holds failed/<path>
        # (a missing one answers 404 only with ListBucket), the copy of the exact raw/
        # version with its tags, the report, then the raw/ version's delete.
        ("s3:ListBucket", BUCKET),
        ("s3:GetObject", FAILED),
        ("s3:GetObjectVersion", RAW),
        ("s3:GetObjectVersionTagging", RAW),
        ("s3:PutObject", FAILED),
        ("s3:PutObjectTagging", FAILED),
        ("s3:DeleteObjectVersion", RAW),
    },
}

_XRAY = "X-Ray: no daemon and no X-Ray API on the emulator (tracing is off there); AWS requires *"
_LOGS = (
    "Lambda writes the function's logs with its role; the emulator stores them itself, "
    "so no call reaches the role's check"
)
_ABORT = (
    "boto3 aborts a multipart upload only when a part fails; the suite's files stay below "
    "the 16 MiB multipart threshold, and a failed part is an injected fault, not IAM"
)
_DELIVERY = (
    "Step Functions log delivery (vended logs), set up by the service when the state machine "
    "is created; moto has no log delivery. AWS documents Resource * for these actions"
)


def _xray() -> dict[Pair, str]:
    return {
        (a, "*"): _XRAY
        for a in (
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
        )
    }


def _function_logs(title: str) -> dict[Pair, str]:
    group = "${" + title + "LogGroup.Arn}"
    return {("logs:CreateLogStream", group): _LOGS, ("logs:PutLogEvents", group): _LOGS}


REVIEWED: dict[Role, dict[Pair, str]] = {
    VALIDATION: {
        ("s3:AbortMultipartUpload", FAILED): _ABORT,
        ("s3:AbortMultipartUpload", STAGING): _ABORT,
        **_function_logs("Validation"),
        **_xray(),
    },
    TRANSFORMATION: {
        ("s3:AbortMultipartUpload", PROCESSED): _ABORT,
        **_function_logs("Transformation"),
        **_xray(),
    },
    SWEEPER: {**_function_logs("Sweeper"), **_xray()},
    STATE_MACHINE: {
        **{
            (f"logs:{action}", "*"): _DELIVERY
            for action in (
                "CreateLogDelivery",
                "GetLogDelivery",
                "UpdateLogDelivery",
                "DeleteLogDelivery",
                "ListLogDeliveries",
                "PutResourcePolicy",
                "DescribeResourcePolicies",
                "DescribeLogGroups",
            )
        },
        **_xray(),
    },
}
