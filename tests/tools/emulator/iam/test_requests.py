"""What IAM authorizes for a call, per service: the emulator's action/resource mapping table."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.tools.emulator.helpers import REGION
from tools.emulator.calls import AwsCall
from tools.emulator.iam.requests import Request, UnmappedCallError, requests_of

ACCOUNT = "123456789012"


def _call(service: str, operation: str, **fields: Any) -> AwsCall:
    values: dict[str, Any] = {"method": "POST", "path": "/", "query": {}, "headers": {},
                              "body": b"", "region": REGION, "account": ACCOUNT, "access_key": ""}  # fmt: skip
    return AwsCall(service=service, operation=operation, **{**values, **fields})


def _json(service: str, operation: str, body: dict[str, str]) -> AwsCall:
    return _call(service, operation, body=json.dumps(body).encode())


TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t"
MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:m"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f"
BUCKET = "arn:aws:s3:::b"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (_json("dynamodb", "PutItem", {"TableName": "t"}), [Request("dynamodb:PutItem", TABLE)]),
        (_json("dynamodb", "UpdateItem", {"TableName": "t"}), [Request("dynamodb:UpdateItem", TABLE)]),
        (_json("stepfunctions", "StartExecution", {"stateMachineArn": MACHINE}),
         [Request("states:StartExecution", MACHINE)]),
        (_call("lambda", "Invoke", path="/2015-03-31/functions/f/invocations"),
         [Request("lambda:InvokeFunction", FUNCTION)]),
        (_call("lambda", "Invoke", path=f"/2015-03-31/functions/{FUNCTION.replace(':', '%3A')}/invocations"),
         [Request("lambda:InvokeFunction", FUNCTION)]),
        (_call("lambda", "Invoke", path="/2015-03-31/functions/f/invocations", query={"Qualifier": ["live"]}),
         [Request("lambda:InvokeFunction", FUNCTION + ":live")]),
        (_call("sts", "GetCallerIdentity"), []),
        # S3, without stored state: the action follows the operation and the version
        (_call("s3", "PutObject", moto_resource=f"{BUCKET}/k"), [Request("s3:PutObject", f"{BUCKET}/k")]),
        (_call("s3", "PutObject", moto_resource=f"{BUCKET}/k", headers={"x-amz-tagging": "a=b"}),
         [Request("s3:PutObject", f"{BUCKET}/k"), Request("s3:PutObjectTagging", f"{BUCKET}/k")]),
        (_call("s3", "DeleteObject", moto_resource=f"{BUCKET}/k"), [Request("s3:DeleteObject", f"{BUCKET}/k")]),
        (_call("s3", "DeleteObject", moto_resource=f"{BUCKET}/k", query={"versionId": ["v"]}),
         [Request("s3:DeleteObjectVersion", f"{BUCKET}/k")]),
        (_call("s3", "ListObjectsV2", moto_resource=BUCKET), [Request("s3:ListBucket", BUCKET)]),
        (_call("s3", "CreateMultipartUpload", moto_resource=f"{BUCKET}/k"), [Request("s3:PutObject", f"{BUCKET}/k")]),
        (_call("s3", "UploadPart", moto_resource=f"{BUCKET}/k"), [Request("s3:PutObject", f"{BUCKET}/k")]),
        (_call("s3", "CompleteMultipartUpload", moto_resource=f"{BUCKET}/k"), [Request("s3:PutObject", f"{BUCKET}/k")]),
        (_call("s3", "AbortMultipartUpload", moto_resource=f"{BUCKET}/k"),
         [Request("s3:AbortMultipartUpload", f"{BUCKET}/k")]),
        (_call("s3", "GetObjectTagging", moto_resource=f"{BUCKET}/k", query={"versionId": ["v"]}),
         [Request("s3:GetObjectVersionTagging", f"{BUCKET}/k")]),
        (_call("s3", "UploadPartCopy", moto_resource=f"{BUCKET}/k", headers={"x-amz-copy-source": "b/raw/a%20b?versionId=v"}),
         [Request("s3:PutObject", f"{BUCKET}/k"), Request("s3:GetObjectVersion", f"{BUCKET}/raw/a b")]),
    ],
)  # fmt: skip
def test_each_call_maps_to_the_action_and_resource_aws_authorizes(
    call: AwsCall, expected: list[Request]
) -> None:
    with mock_aws():
        assert requests_of(call) == expected


def test_a_call_the_emulator_cannot_map_is_refused_loudly() -> None:
    with pytest.raises(UnmappedCallError, match="ec2 RunInstances"):
        requests_of(_call("ec2", "RunInstances"))
    with pytest.raises(UnmappedCallError, match="s3 PutBucketPolicy"):
        requests_of(_call("s3", "PutBucketPolicy", moto_resource=BUCKET))


def test_publishing_to_an_encrypted_topic_or_queue_needs_its_key() -> None:
    with mock_aws():
        key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
        sns = boto3.client("sns", region_name=REGION)
        topic = sns.create_topic(Name="t", Attributes={"KmsMasterKeyId": key})["TopicArn"]
        plain = sns.create_topic(Name="p")["TopicArn"]
        sqs = boto3.client("sqs", region_name=REGION)
        queue = sqs.create_queue(QueueName="q", Attributes={"KmsMasterKeyId": key})["QueueUrl"]
        uses_key = [Request("kms:GenerateDataKey", key), Request("kms:Decrypt", key)]
        publish = requests_of(
            _call("sns", "Publish", body=f"Action=Publish&TopicArn={topic}".encode())
        )
        assert publish == [Request("sns:Publish", topic), *uses_key]
        assert requests_of(_call("sns", "Publish", body=f"TopicArn={plain}".encode())) == [
            Request("sns:Publish", plain)
        ]
        send = requests_of(_json("sqs", "SendMessage", {"QueueUrl": queue}))
        assert send == [Request("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"), *uses_key]
