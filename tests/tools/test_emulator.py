"""Each bridge of tools/emulator.py: the gap on plain moto 5.2.5, then the bridge closing it.

A test whose first half fails means moto changed: re-check the bridge (it may be obsolete).
The last test runs the whole production path (bootstrap, package, `aws cloudformation deploy`,
S3 upload, state machine, functions) on a small fixture stack through the real CLI.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import moto
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tools import emulator

FIXTURE = Path(__file__).parent / "fixtures" / "mini"
REGION = "us-east-1"
EXECUTE = {"stepfunctions": {"execute_state_machine": True}}


@pytest.fixture(autouse=True)
def _fake_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials; a closed port as the workers' endpoint, so nothing can reach AWS."""
    for name, value in emulator.FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setattr(emulator.STATE, "endpoint", "http://127.0.0.1:9")
    yield
    emulator.RUNTIMES.close()


def fixture_zip() -> bytes:
    """The fixture function's deployment zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((FIXTURE / "code").rglob("*.py")):
            archive.write(path, path.relative_to(FIXTURE / "code"))
    return buffer.getvalue()


def create_stack(template: dict[str, Any], name: str = "s") -> dict[str, Any]:
    """Create a stack from an inline template; return describe_stacks' entry."""
    cfn = boto3.client("cloudformation", region_name=REGION)
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(template))
    return dict(cfn.describe_stacks(StackName=name)["Stacks"][0])


def test_moto_version_is_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    emulator.check_moto_version()
    monkeypatch.setattr(moto, "__version__", "5.3.0")
    with pytest.raises(emulator.EmulatorVersionError, match="re-verify every bridge"):
        emulator.check_moto_version()


def test_bridges_are_removed_cleanly() -> None:
    from moto.awslambda.models import LambdaFunction

    original = LambdaFunction._invoke_lambda
    with emulator.bridged():
        assert LambdaFunction._invoke_lambda is not original
    assert LambdaFunction._invoke_lambda is original


def _lambda(client: Any) -> None:
    role = boto3.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")
    client.create_function(
        FunctionName="f",
        Runtime="python3.13",
        Role=role["Role"]["Arn"],
        Handler="minifn.handler.lambda_handler",
        Code={"ZipFile": fixture_zip()},
        Environment={"Variables": {"STATE_MACHINE_ARN": "arn:aws:states:::x"}},
    )


def test_gap_1_lambda_runs_the_deployed_zip_in_a_warm_worker() -> None:
    with mock_aws():
        client = boto3.client("lambda", region_name=REGION)
        _lambda(client)
        raw = client.invoke(FunctionName="f", Payload=b"{}")
        assert raw.get("FunctionError") and b"docker" in raw["Payload"].read()

    with emulator.bridged(), mock_aws():
        client = boto3.client("lambda", region_name=REGION)
        _lambda(client)
        first = json.loads(
            client.invoke(FunctionName="f", Payload=b'{"key": "k"}')["Payload"].read()
        )
        second = json.loads(client.invoke(FunctionName="f", Payload=b"{}")["Payload"].read())
        failed = client.invoke(FunctionName="f", Payload=b'{"explode": true}')

    assert first == {"key": "k", "calls": 1, "fn": "f"}
    assert second["calls"] == 2  # module state survives: one warm environment
    assert failed["FunctionError"]
    assert json.loads(failed["Payload"].read())["errorType"] == "ValueError"


def _notification_thread() -> str:
    """Name of the thread that runs the function an S3 upload triggers."""
    from moto.awslambda.models import LambdaFunction

    seen: list[str] = []
    original = LambdaFunction._invoke_lambda

    def recording(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(threading.current_thread().name)
        return original(self, *args, **kwargs)

    client = boto3.client("lambda", region_name=REGION)
    _lambda(client)
    arn = client.get_function(FunctionName="f")["Configuration"]["FunctionArn"]
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="gap2")
    s3.put_bucket_notification_configuration(
        Bucket="gap2",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )
    LambdaFunction._invoke_lambda = recording  # type: ignore[method-assign]
    try:
        s3.put_object(Bucket="gap2", Key="raw/x.csv", Body=b"x")
        for _ in range(100):
            if seen:
                break
            time.sleep(0.02)
    finally:
        LambdaFunction._invoke_lambda = original  # type: ignore[method-assign]
    return seen[0]


def test_gap_2_s3_notification_invokes_asynchronously() -> None:
    with mock_aws():
        assert _notification_thread() == threading.current_thread().name  # inside PutObject
    with emulator.bridged(), mock_aws():
        assert _notification_thread().startswith("s3-notify")


def test_gap_3_s3_event_carries_the_version_id() -> None:
    from moto.s3 import notifications
    from moto.s3.models import s3_backends

    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="gap3")
        s3.put_bucket_versioning(Bucket="gap3", VersioningConfiguration={"Status": "Enabled"})
        version = s3.put_object(Bucket="gap3", Key="raw/x.csv", Body=b"x")["VersionId"]
        backend = s3_backends["123456789012"]["aws"]
        bucket, key = backend.get_bucket("gap3"), backend.get_object("gap3", "raw/x.csv")
        raw = notifications._get_s3_event("s3:ObjectCreated:Put", bucket, key, "id")
        with emulator.bridged():
            fixed = notifications._get_s3_event("s3:ObjectCreated:Put", bucket, key, "id")

    assert "versionId" not in raw["Records"][0]["s3"]["object"]
    assert fixed["Records"][0]["s3"]["object"]["versionId"] == version


BUCKET_TEMPLATE = {
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "BucketName": "gap4",
                "VersioningConfiguration": {"Status": "Enabled"},
                "NotificationConfiguration": {
                    "QueueConfigurations": [
                        {
                            "Event": "s3:ObjectCreated:*",
                            "Queue": {"Fn::GetAtt": ["Queue", "Arn"]},
                            "Filter": {"S3Key": {"Rules": [{"Name": "suffix", "Value": ".csv"}]}},
                        }
                    ]
                },
            },
        },
    }
}


def _bucket_settings() -> tuple[str | None, list[Any]]:
    create_stack(BUCKET_TEMPLATE)
    s3 = boto3.client("s3", region_name=REGION)
    versioning = s3.get_bucket_versioning(Bucket="gap4").get("Status")
    queues = s3.get_bucket_notification_configuration(Bucket="gap4").get("QueueConfigurations", [])
    return versioning, queues


def test_gap_4_bucket_keeps_versioning_and_notifications_from_the_template() -> None:
    with mock_aws():
        assert _bucket_settings() == (None, [])
    with emulator.bridged(), mock_aws():
        versioning, queues = _bucket_settings()
    assert versioning == "Enabled"
    assert queues[0]["Events"] == ["s3:ObjectCreated:*"]
    assert queues[0]["Filter"]["Key"]["FilterRules"] == [{"Name": "suffix", "Value": ".csv"}]


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


def test_gap_5_getatt_of_a_nested_stack_output() -> None:
    with mock_aws():
        assert _nested_outputs() == {}  # the GetAtt fails inside moto; the output is dropped
    with emulator.bridged(), mock_aws():
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


def test_gap_6_and_7_change_set_outputs_and_empty_change_set() -> None:
    with mock_aws():
        cfn = boto3.client("cloudformation", region_name=REGION)
        created = _change_set(cfn, "CREATE")
        cfn.execute_change_set(ChangeSetName=created["ChangeSetId"])
        assert "Outputs" not in cfn.describe_stacks(StackName="cs")["Stacks"][0]
        with pytest.raises(ClientError, match="No updates are to be performed"):
            _change_set(cfn, "UPDATE")

    with emulator.bridged(), mock_aws():
        cfn = boto3.client("cloudformation", region_name=REGION)
        created = _change_set(cfn, "CREATE")
        cfn.execute_change_set(ChangeSetName=created["ChangeSetId"])
        outputs = cfn.describe_stacks(StackName="cs")["Stacks"][0]["Outputs"]
        empty = _change_set(cfn, "UPDATE")
    assert outputs[0]["OutputKey"] == "QueueName"
    assert empty["Status"] == "FAILED"
    assert "didn't contain changes" in empty["StatusReason"]


def test_gap_9_termination_protection() -> None:
    with mock_aws():
        create_stack(json.loads(QUEUE_TEMPLATE), "tp")
        cfn = boto3.client("cloudformation", region_name=REGION)
        with pytest.raises(Exception, match=r"not been implemented|500"):
            cfn.update_termination_protection(StackName="tp", EnableTerminationProtection=True)

    with emulator.bridged(), mock_aws():
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


def test_gap_10_fn_sub_keeps_double_dollar() -> None:
    with mock_aws():
        raw = create_stack(SUB_TEMPLATE)["Outputs"][0]["OutputValue"]
    with emulator.bridged(), mock_aws():
        fixed = create_stack(SUB_TEMPLATE)["Outputs"][0]["OutputValue"]
    assert raw == "$.Execution.StartTime x"
    assert fixed == "$$.Execution.StartTime x"


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


def test_gap_8a_12_14_state_machine_from_a_template() -> None:
    with mock_aws(config=EXECUTE):  # type: ignore[arg-type]
        create_stack(_state_machine_template(PASS_DEFINITION))
        assert boto3.client("stepfunctions", region_name=REGION).list_state_machines()["stateMachines"] == []  # fmt: skip
    from moto.cloudformation import parsing

    assert parsing.clean_json({"ResultPath": None, "Next": "Q"}, None) == {"Next": "Q"}

    with emulator.bridged(), mock_aws():
        create_stack(_state_machine_template(PASS_DEFINITION))
        sfn = boto3.client("stepfunctions", region_name=REGION)
        (machine,) = sfn.list_state_machines()["stateMachines"]
        definition = json.loads(sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])["definition"])  # fmt: skip
    assert definition["States"]["P"]["Parameters"]["v"] == "substituted"
    assert definition["States"]["Q"]["ResultPath"] is None


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


def test_gap_11_context_start_time_is_an_iso_string() -> None:
    with mock_aws(config=EXECUTE), pytest.raises(TypeError, match="datetime is not JSON"):  # type: ignore[arg-type]
        _run_pass_machine()
    with emulator.bridged(), mock_aws():
        fixed = _run_pass_machine()
    assert fixed["status"] == "SUCCEEDED"
    output = json.loads(fixed["output"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", output["t"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", output["e"])


KMS_TEMPLATE = {
    "Resources": {
        "Key": {
            "Type": "AWS::KMS::Key",
            "Properties": {
                "KeyPolicy": {"Version": "2012-10-17", "Statement": []},
                "Tags": [{"Key": "Project", "Value": "ETL-Pipeline"}],
            },
        }
    }
}


def test_gap_13_kms_key_tags_from_a_template() -> None:
    with mock_aws(), pytest.raises(Exception, match="TagKey"):
        create_stack(KMS_TEMPLATE)
    with emulator.bridged(), mock_aws():
        create_stack(KMS_TEMPLATE)
        kms = boto3.client("kms", region_name=REGION)
        (key,) = kms.list_keys()["Keys"]
        tags = kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]
    assert tags == [{"TagKey": "Project", "TagValue": "ETL-Pipeline"}]


def test_production_path_on_the_mini_stack(tmp_path: Path) -> None:
    """Gaps 2, 4-9 together: the real CLI deploys nested stacks; S3 -> Lambda -> Step Functions
    -> DynamoDB runs; retries wait scaled-down intervals; a no-change redeploy succeeds."""
    import hashlib

    from tools import deploy, package

    body = fixture_zip()
    (tmp_path / "fn.zip").write_bytes(body)
    manifest = {"validation": {"path": str(tmp_path / "fn.zip"), "sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}}  # fmt: skip
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with emulator.Emulator() as emu, deploy.quietly():
        deploy.bootstrap("mini", emu.region, FIXTURE)
        package.package("mini", emu.region, FIXTURE, tmp_path)
        outputs = deploy.deploy("mini", emu.region, build_dir=tmp_path)
        assert (
            deploy.deploy("mini", emu.region, build_dir=tmp_path) == outputs
        )  # no change: success
        emulator.inject_fault("minifn", times=2, key_contains="raw/flaky.csv")

        started = time.monotonic()
        boto3.client("s3").put_object(Bucket=outputs["BucketName"], Key="raw/flaky.csv", Body=b"x")
        assert time.monotonic() - started < 0.5  # asynchronous: the upload does not wait for Lambda
        ddb = boto3.client("dynamodb")
        for _ in range(100):
            items = ddb.scan(TableName=outputs["TableName"])["Items"]
            if items:
                break
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        with pytest.raises(deploy.DeployError):
            deploy.run_aws("cloudformation", "delete-stack", "--stack-name", "mini")

    assert [i["status"]["S"] for i in items] == ["SUCCEEDED"]
    assert items[0]["process_start_time"]["S"].endswith("Z")
    assert elapsed < 3  # retries after 1 s and 2 s, scaled by the emulator's time_scale
    calls = emulator.invocations("-Function-", key_contains="flaky")
    assert [c.ok for c in calls][-3:] == [False, False, True]
    assert "versionId" in calls[0].event["Records"][0]["s3"]["object"]


def _function_with_dead_letter_queue() -> Any:
    from moto.awslambda.models import lambda_backends

    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="gap15")
    s3.put_object(Bucket="gap15", Key="fn.zip", Body=fixture_zip())
    role = boto3.client("iam").create_role(RoleName="r15", AssumeRolePolicyDocument="{}")
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


def test_gap_15_dead_letter_queue_of_a_function_from_a_template() -> None:
    with mock_aws():
        config, _ = _function_with_dead_letter_queue()
        assert config is None  # moto forgets DeadLetterConfig
    with emulator.bridged(), mock_aws():
        _, fn = _function_with_dead_letter_queue()
        emulator._send_to_dead_letter_queue(fn, {"Records": []}, '{"errorMessage": "boom"}')
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.list_queues()["QueueUrls"][0]
        (message,) = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert json.loads(message["Body"]) == {"Records": []}
    assert message["MessageAttributes"]["ErrorMessage"]["StringValue"] == "boom"
