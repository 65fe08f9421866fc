"""Fixtures for the function tests: a moto account holding the pipeline's resources.

The bucket, topic, state machine and table come from the generated templates
(template_resources.py), so these tests and the infrastructure share one definition; only the
queue that reads the topic's notifications is the tests' own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.common.clients import client
from tests.functions import template_resources as built
from tests.functions.template_resources import REGION, Stack

# A small file exercising data-contract.md §4: header trimmed and case-folded, grouped and short amounts,
# an offset timestamp and a bare date, a quoted extra column, CRLF line endings.
VALID_CSV = (
    b"Transaction_ID, Customer_ID ,amount,timestamp,note\r\n"
    b't1,c1,"1,234.5",2024-01-02T03:04:05+01:00,hello\r\n'
    b't2,c2,-3,2024-01-02,"x, y"\r\n'
)
MISSING_COLUMN_CSV = b"transaction_id,customer_id,timestamp\nt1,c1,2024-01-02T03:04:05Z\n"


REPO = Path(__file__).resolve().parents[2]


def heavy_modules_after_import(module: str) -> list[str]:
    """Which of polars and the core a cold interpreter has loaded after importing `module`
    (tracing off, only PATH and the region set): what a cold start of it pays for."""
    code = (
        f"import json, sys, {module}; "
        "print(json.dumps(sorted(m for m in ('polars', 'functions.core') if m in sys.modules)))"
    )
    env = {"PATH": os.environ.get("PATH", ""), "AWS_REGION": "us-east-1",
           "POWERTOOLS_TRACE_DISABLED": "true"}  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(out.stdout)
    return loaded


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
    """Clients on the moto account, what the fixture created, and the functions' environment."""

    s3: Any
    sfn: Any
    sqs: Any
    bucket: str
    state_machine_arn: str
    topic_arn: str
    table_name: str
    queue_url: str
    # function logical id in the compute template -> the environment it gives the function
    environments: dict[str, dict[str, str]]

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

    def use_environment_of(self, function: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """Set the environment variables the compute template gives `function`."""
        for name, value in self.environments[function].items():
            monkeypatch.setenv(name, value)


def load_event(path: Path, aws: Aws, **fields: str) -> dict[str, Any]:
    """An event file, its BUCKET/VERSION/ETAG placeholders filled, top-level fields set."""
    text = path.read_text()
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


def _deploy(root: Stack) -> dict[str, Any]:
    """Create the resources of the root template's nested stacks that the functions use."""
    region = {"region_name": REGION}
    topic_arn = built.create_topic(
        root.nested("Messaging"), boto3.client("kms", **region), boto3.client("sns", **region)
    )
    table_name = built.create_table(root.nested("Data"), boto3.client("dynamodb", **region))
    bucket = built.create_bucket(root.nested("Storage"), boto3.client("s3", **region))
    compute = root.nested("Compute")
    functions = ("ValidationFunction", "TransformationFunction", "SweeperFunction")
    for function in functions:
        built.function_arn(compute, function)
    state_machine_arn = built.create_state_machine(
        root.nested("Orchestration"),
        boto3.client("iam", **region),
        boto3.client("stepfunctions", **region),
    )
    return {
        "bucket": bucket,
        "topic_arn": topic_arn,
        "table_name": table_name,
        "state_machine_arn": state_machine_arn,
        "environments": {f: built.function_environment(compute, f) for f in functions},
    }


def _notification_probe(topic_arn: str) -> tuple[Any, str]:
    """A queue subscribed to the topic, to read what the functions publish (tests only)."""
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="notifications-probe")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    boto3.client("sns", region_name=REGION).subscribe(
        TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn
    )
    return sqs, queue_url


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
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    client.cache_clear()  # clients are per container; each test is a new container
    # Pinned rather than inherited: moto's config is process-global, and the e2e emulator
    # turns on state machine execution for its own run.
    with mock_aws(config={"stepfunctions": {"execute_state_machine": False}}):
        deployed = _deploy(Stack("root"))
        sqs, queue_url = _notification_probe(deployed["topic_arn"])
        yield Aws(
            s3=boto3.client("s3", region_name=REGION),
            sfn=boto3.client("stepfunctions", region_name=REGION),
            sqs=sqs,
            queue_url=queue_url,
            **deployed,
        )
    client.cache_clear()
