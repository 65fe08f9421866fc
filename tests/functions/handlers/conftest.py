"""Fixtures for the handler tests: a moto account with the bucket, topic, queue and workflow."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.common.clients import client

EVENTS = Path(__file__).parent / "events"
REGION = "us-east-1"
BUCKET = "csv-etl-data-123456789012-us-east-1"


@dataclass
class FakeLambdaContext:
    """The attributes Powertools reads from the real LambdaContext."""

    function_name: str = "csv-etl-validation"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:csv-etl-validation"
    aws_request_id: str = "52fdfc07-2182-154f-163f-5f0f9a621d72"
    log_group_name: str = "/aws/lambda/csv-etl-validation"
    log_stream_name: str = "2026/01/02/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


@dataclass
class Aws:
    """Clients on the moto account and the names of what the fixture created."""

    s3: Any
    sfn: Any
    sqs: Any
    bucket: str
    state_machine_arn: str
    topic_arn: str
    queue_url: str

    def put(self, key: str, body: bytes) -> dict[str, str]:
        """Upload `body` and return what S3 says about it (version id and etag, unquoted)."""
        response = self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)
        return {"version_id": response["VersionId"], "etag": response["ETag"].strip('"')}

    def get(self, key: str) -> bytes:
        body: bytes = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def keys(self, prefix: str = "") -> list[str]:
        listing = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(obj["Key"] for obj in listing.get("Contents", []))

    def executions(self) -> list[dict[str, Any]]:
        response = self.sfn.list_executions(stateMachineArn=self.state_machine_arn)
        executions: list[dict[str, Any]] = response["executions"]
        return executions

    def notifications(self) -> list[dict[str, Any]]:
        """The SNS notifications delivered to the subscribed queue (envelopes, JSON-decoded)."""
        response = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
        return [json.loads(message["Body"]) for message in response.get("Messages", [])]


def load_event(name: str, aws: Aws, **fields: str) -> dict[str, Any]:
    """An event from events/, its BUCKET/VERSION/ETAG placeholders filled, top-level fields set."""
    text = (EVENTS / name).read_text()
    for placeholder, value in (
        ("BUCKET", aws.bucket),
        ("VERSION", fields.pop("version_id", "")),
        ("ETAG", fields.pop("etag", "")),
    ):
        text = text.replace(placeholder, value)
    event: dict[str, Any] = json.loads(text)
    event.update(fields)
    return event


@pytest.fixture
def context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    """A fresh moto account (fake credentials only) with the pipeline's resources."""
    for name, value in {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "validation",
        "POWERTOOLS_METRICS_NAMESPACE": "CsvEtl",
        "MAX_INVALID_ROW_RATIO": "0",
        "SOURCE_TIMEZONE": "UTC",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    client.cache_clear()  # clients are per container; each test is a new container
    # Pinned rather than inherited: moto's config is process-global, and the e2e emulator
    # turns on state machine execution for its own run.
    with mock_aws(config={"stepfunctions": {"execute_state_machine": False}}):
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        sns = boto3.client("sns", region_name=REGION)
        topic_arn = sns.create_topic(Name="csv-etl-notifications")["TopicArn"]
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName="notifications-probe")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
        sfn = boto3.client("stepfunctions", region_name=REGION)
        definition = {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}
        state_machine_arn = sfn.create_state_machine(
            name="csv-etl-workflow",
            definition=json.dumps(definition),
            roleArn="arn:aws:iam::123456789012:role/csv-etl-workflow",
        )["stateMachineArn"]
        monkeypatch.setenv("STATE_MACHINE_ARN", state_machine_arn)
        monkeypatch.setenv("TOPIC_ARN", topic_arn)
        yield Aws(s3, sfn, sqs, BUCKET, state_machine_arn, topic_arn, queue_url)
    client.cache_clear()


# A small file exercising SPEC 3.3: header trimmed and case-folded, grouped and short amounts,
# an offset timestamp and a bare date, a quoted extra column, CRLF line endings.
VALID_CSV = (
    b"Transaction_ID, Customer_ID ,amount,timestamp,note\r\n"
    b't1,c1,"1,234.5",2024-01-02T03:04:05+01:00,hello\r\n'
    b't2,c2,-3,2024-01-02,"x, y"\r\n'
)
VALID_PROCESSED = (
    b"transaction_id,customer_id,amount,timestamp,note\n"
    b"t1,c1,1234.50,2024-01-02T02:04:05Z,hello\n"
    b't2,c2,-3.00,2024-01-02T00:00:00Z,"x, y"\n'
)
MISSING_COLUMN_CSV = b"transaction_id,customer_id,timestamp\nt1,c1,2024-01-02T03:04:05Z\n"
# Line 3 has an amount with three significant decimals: one invalid row out of four.
ONE_BAD_ROW_CSV = (
    b"transaction_id,customer_id,amount,timestamp\n"
    b"t1,c1,1.00,2024-01-02T03:04:05Z\n"
    b"t2,c2,1.505,2024-01-02T03:04:05Z\n"
    b"t3,c3,2.00,2024-01-02T03:04:05Z\n"
    b"t4,c4,3.00,2024-01-02T03:04:05Z\n"
)
