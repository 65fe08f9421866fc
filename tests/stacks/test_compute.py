"""The functions: configuration, layer, dead-letter queues, asynchronous invocation."""

from typing import Any

import pytest

from tests.stacks.helpers import canonical, of_type


@pytest.fixture(scope="module")
def compute(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return templates["compute.json"]


FUNCTIONS = {
    "ValidationFunction": (
        "functions.validation.handler.lambda_handler",
        "validation",
        {"STATE_MACHINE_ARN"},
    ),
    "TransformationFunction": (
        "functions.transformation.handler.lambda_handler",
        "transformation",
        set(),
    ),
}
COMMON_ENV = {
    "MAX_INVALID_ROW_RATIO",
    "SOURCE_TIMEZONE",
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "POWERTOOLS_LOG_LEVEL",
}


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_function_configuration(compute: dict[str, Any], logical_id: str) -> None:
    handler, service, own_env = FUNCTIONS[logical_id]
    props = compute["Resources"][logical_id]["Properties"]
    title = logical_id.removesuffix("Function")
    assert props["Handler"] == handler
    # The layer is built for this runtime and for aarch64 only.
    assert props["Runtime"] == "python3.13"
    assert props["Architectures"] == ["arm64"]
    assert props["Code"] == {
        "S3Bucket": {"Ref": "ArtifactsBucket"},
        "S3Key": {"Ref": f"{title}CodeKey"},
    }
    assert props["Layers"] == [{"Ref": "DependenciesLayer"}]
    assert props["TracingConfig"] == {"Mode": "Active"}
    # /tmp holds the streamed source and the transformed output: the default 512 MB is too small.
    assert props["EphemeralStorage"] == {"Size": 10240}
    assert props["DeadLetterConfig"] == {
        "TargetArn": {"Fn::GetAtt": [f"{title}DeadLetterQueue", "Arn"]}
    }
    assert props["LoggingConfig"] == {"LogFormat": "JSON", "LogGroup": {"Ref": f"{title}LogGroup"}}
    assert props["ReservedConcurrentExecutions"] == {
        "Fn::If": [
            "HasReservedConcurrency",
            {"Ref": "ReservedConcurrency"},
            {"Ref": "AWS::NoValue"},
        ]
    }
    env = props["Environment"]["Variables"]
    assert set(env) == COMMON_ENV | own_env
    assert env["POWERTOOLS_SERVICE_NAME"] == service
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "CsvEtl"
    assert env["MAX_INVALID_ROW_RATIO"] == {"Ref": "MaxInvalidRowRatio"}
    assert env["SOURCE_TIMEZONE"] == {"Ref": "SourceTimezone"}


def test_validation_knows_the_workflow_by_its_deterministic_name(compute: dict[str, Any]) -> None:
    env = compute["Resources"]["ValidationFunction"]["Properties"]["Environment"]["Variables"]
    assert canonical(env["STATE_MACHINE_ARN"]) == (
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${StateMachineName}"
    )
    assert "TOPIC_ARN" not in env  # the workflow notifies, never the function


def test_each_function_has_its_own_encrypted_dead_letter_queue(compute: dict[str, Any]) -> None:
    queues = of_type(compute, "AWS::SQS::Queue")
    assert set(queues) == {"ValidationDeadLetterQueue", "TransformationDeadLetterQueue"}
    for queue in queues.values():
        assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_asynchronous_s3_invocations_are_bounded_and_end_in_the_dlq(
    compute: dict[str, Any],
) -> None:
    (config,) = of_type(compute, "AWS::Lambda::EventInvokeConfig").values()
    props = config["Properties"]
    assert props["FunctionName"] == {"Ref": "ValidationFunction"}
    assert props["Qualifier"] == "$LATEST"
    assert 0 <= props["MaximumRetryAttempts"] <= 2
    assert props["MaximumEventAgeInSeconds"] <= 6 * 3600
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["ValidationDeadLetterQueue", "Arn"]
    }


def test_layer_is_built_from_the_artifacts_bucket(compute: dict[str, Any]) -> None:
    layer = compute["Resources"]["DependenciesLayer"]["Properties"]
    assert layer["Content"] == {
        "S3Bucket": {"Ref": "ArtifactsBucket"},
        "S3Key": {"Ref": "LayerCodeKey"},
    }
    assert layer["CompatibleRuntimes"] == ["python3.13"]
    assert layer["CompatibleArchitectures"] == ["arm64"]


def test_reserved_concurrency_zero_means_unreserved(compute: dict[str, Any]) -> None:
    assert compute["Conditions"]["HasReservedConcurrency"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "ReservedConcurrency"}, "0"]}]
    }
