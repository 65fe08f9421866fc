"""The call seam: every request passes the emulator's hooks, on every service we use."""

from __future__ import annotations

from collections.abc import Mapping

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws

from tests.tools.emulator.helpers import REGION
from tools.emulator import Emulator
from tools.emulator.calls import AwsCall, AwsError

NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})


def _client(service: str, **kwargs: object) -> object:
    return boto3.client(service, region_name=REGION, config=NO_RETRY, **kwargs)  # type: ignore[call-overload]


def test_hooks_see_each_call_with_its_api_operation(emu: Emulator) -> None:
    seen: list[AwsCall] = []
    emu.calls.before.append(seen.append)
    with emu.bridged(), mock_aws():
        s3 = _client("s3")
        s3.create_bucket(Bucket="seam-bucket")  # type: ignore[attr-defined]
        s3.put_object(Bucket="seam-bucket", Key="raw/a b.csv", Body=b"x")  # type: ignore[attr-defined]
        s3.head_object(Bucket="seam-bucket", Key="raw/a b.csv")  # type: ignore[attr-defined]
        s3.copy_object(  # type: ignore[attr-defined]
            Bucket="seam-bucket", Key="failed/a.csv", CopySource="seam-bucket/raw/a b.csv"
        )
        _client("sns").create_topic(Name="t")  # type: ignore[attr-defined]
    found = [(c.service, c.operation, c.method, c.moto_resource) for c in seen]
    assert found == [
        ("s3", "CreateBucket", "PUT", "arn:aws:s3:::seam-bucket"),
        ("s3", "PutObject", "PUT", "arn:aws:s3:::seam-bucket/raw/a b.csv"),
        ("s3", "HeadObject", "HEAD", "arn:aws:s3:::seam-bucket/raw/a b.csv"),
        ("s3", "CopyObject", "PUT", "arn:aws:s3:::seam-bucket/failed/a.csv"),
        ("sns", "CreateTopic", "POST", "*"),
    ]
    copy = seen[3]
    assert copy.headers["X-Amz-Copy-Source"] == "seam-bucket/raw/a%20b.csv"
    assert copy.region == REGION and copy.account == "123456789012"


def _refuse(operation: str, error: AwsError) -> object:
    def hook(call: AwsCall) -> None:
        if call.operation == operation:
            raise error

    return hook


@pytest.mark.parametrize(
    ("service", "operation", "code", "status"),
    [
        ("s3", "PutObject", "SlowDown", 503),  # rest-xml
        ("dynamodb", "PutItem", "ThrottlingException", 400),  # json
        ("sns", "Publish", "Throttled", 400),  # query
        ("lambda", "ListFunctions", "TooManyRequestsException", 429),  # rest-json
    ],
)
def test_a_hook_error_reaches_the_client_in_the_service_protocol(
    emu: Emulator, service: str, operation: str, code: str, status: int
) -> None:
    emu.calls.before.append(_refuse(operation, AwsError(code, "injected", status)))
    with emu.bridged(), mock_aws(), pytest.raises(ClientError) as raised:
        if service == "s3":
            s3 = _client("s3")
            s3.create_bucket(Bucket="seam-bucket")  # type: ignore[attr-defined]
            s3.put_object(Bucket="seam-bucket", Key="k", Body=b"x")  # type: ignore[attr-defined]
        elif service == "dynamodb":
            ddb = _client("dynamodb")
            ddb.create_table(  # type: ignore[attr-defined]
                TableName="t",
                KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            ddb.put_item(TableName="t", Item={"k": {"S": "1"}})  # type: ignore[attr-defined]
        elif service == "sns":
            sns = _client("sns")
            arn = sns.create_topic(Name="t")["TopicArn"]  # type: ignore[attr-defined]
            sns.publish(TopicArn=arn, Message="m")  # type: ignore[attr-defined]
        else:
            _client("lambda").list_functions()  # type: ignore[attr-defined]
    error = raised.value.response
    assert error["Error"]["Code"] == code
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status


def test_a_refused_call_is_not_performed(emu: Emulator) -> None:
    emu.calls.before.append(_refuse("PutObject", AwsError("SlowDown", "injected", 503)))
    with emu.bridged(), mock_aws():
        s3 = _client("s3")
        s3.create_bucket(Bucket="seam-bucket")  # type: ignore[attr-defined]
        with pytest.raises(ClientError):
            s3.put_object(Bucket="seam-bucket", Key="k", Body=b"x")  # type: ignore[attr-defined]
        listed = s3.list_objects_v2(Bucket="seam-bucket")  # type: ignore[attr-defined]
    assert listed.get("KeyCount") == 0


def test_an_after_hook_replaces_the_answer_of_a_call_that_happened() -> None:
    def lose(
        call: AwsCall, status: int, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, str], bytes] | None:
        if call.operation != "PutObject":
            return None
        body = b"<Error><Code>InternalError</Code><Message>lost</Message></Error>"
        return 500, {"Content-Type": "application/xml"}, body

    with Emulator(REGION) as emu:
        emu.calls.after.append(lose)
        s3 = _client("s3", endpoint_url=emu.endpoint)
        s3.create_bucket(Bucket="seam-bucket")  # type: ignore[attr-defined]
        with pytest.raises(ClientError) as raised:
            s3.put_object(Bucket="seam-bucket", Key="k", Body=b"x")  # type: ignore[attr-defined]
        listed = s3.list_objects_v2(Bucket="seam-bucket")  # type: ignore[attr-defined]
    assert raised.value.response["Error"]["Code"] == "InternalError"
    assert [o["Key"] for o in listed["Contents"]] == ["k"]  # performed, its answer lost
