"""The functions: configuration, layer, dead-letter queues, asynchronous invocation."""

import logging
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
        {"STATE_MACHINE_ARN", "MAX_INVALID_ROW_RATIO", "SOURCE_TIMEZONE"},
    ),
    "TransformationFunction": (
        "functions.transformation.handler.lambda_handler",
        "transformation",
        set(),
    ),
}
COMMON_ENV = {
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
    assert props["LoggingConfig"] == {
        "LogFormat": "JSON",
        "LogGroup": {"Ref": f"{title}LogGroup"},
        "ApplicationLogLevel": {
            "Fn::FindInMap": ["LambdaLogLevels", {"Ref": "LogLevel"}, "Application"]
        },
        "SystemLogLevel": "INFO",
    }
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


def test_only_validation_gets_the_core_rules(compute: dict[str, Any]) -> None:
    # The transformation function promotes the staged output (pipeline.md §1.1): no rules.
    env = compute["Resources"]["ValidationFunction"]["Properties"]["Environment"]["Variables"]
    assert env["MAX_INVALID_ROW_RATIO"] == {"Ref": "MaxInvalidRowRatio"}
    assert env["SOURCE_TIMEZONE"] == {"Ref": "SourceTimezone"}


def test_validation_knows_the_workflow_by_its_deterministic_name(compute: dict[str, Any]) -> None:
    env = compute["Resources"]["ValidationFunction"]["Properties"]["Environment"]["Variables"]
    assert canonical(env["STATE_MACHINE_ARN"]) == (
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${StateMachineName}"
    )
    assert "TOPIC_ARN" not in env  # the workflow notifies, never the function


def test_one_failure_mechanism_per_function(compute: dict[str, Any]) -> None:
    # S3 invokes validation asynchronously (and the schedule the sweeper): their failed events
    # go to their DLQ, and only there (no on-failure destination beside it). Step Functions
    # invokes transformation synchronously: Lambda never sends such an invocation anywhere.
    queues = of_type(compute, "AWS::SQS::Queue")
    assert sorted(queues) == ["SweeperDeadLetterQueue", "ValidationDeadLetterQueue"]
    functions = compute["Resources"]
    for title in ("Validation", "Sweeper"):
        queue = f"{title}DeadLetterQueue"
        assert queues[queue]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
        assert functions[f"{title}Function"]["Properties"]["DeadLetterConfig"] == {
            "TargetArn": {"Fn::GetAtt": [queue, "Arn"]}
        }
    assert functions["TransformationFunction"]["Properties"]["DeadLetterConfig"] == {
        "Ref": "AWS::NoValue"
    }
    for config in of_type(compute, "AWS::Lambda::EventInvokeConfig").values():
        assert "DestinationConfig" not in config["Properties"]


def test_asynchronous_s3_invocations_are_bounded_and_end_in_the_dlq(
    compute: dict[str, Any],
) -> None:
    config = of_type(compute, "AWS::Lambda::EventInvokeConfig")["ValidationAsyncInvokeConfig"]
    props = config["Properties"]
    assert props["FunctionName"] == {"Ref": "ValidationFunction"}
    assert props["Qualifier"] == "$LATEST"
    assert 0 <= props["MaximumRetryAttempts"] <= 2
    assert props["MaximumEventAgeInSeconds"] <= 6 * 3600


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


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING", "ERROR"])
@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_the_log_level_parameter_is_the_level_the_function_logs_at(
    compute: dict[str, Any], logical_id: str, level: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the environment Lambda gives the function for LogLevel=<level>: its variables,
    # and, with the JSON log format, AWS_LAMBDA_LOG_LEVEL from ApplicationLogLevel (INFO
    # when it is not set), which takes precedence over POWERTOOLS_LOG_LEVEL in Powertools
    props = compute["Resources"][logical_id]["Properties"]
    logging_config = props["LoggingConfig"]
    assert logging_config["LogFormat"] == "JSON"
    application = logging_config.get("ApplicationLogLevel", "INFO")
    if isinstance(application, dict):
        mapping, _, key = application["Fn::FindInMap"]
        application = compute["Mappings"][mapping][level][key]
    env = props["Environment"]["Variables"]
    assert env["POWERTOOLS_LOG_LEVEL"] == {"Ref": "LogLevel"}
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", level)
    monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", application)

    # WHEN Powertools sets up the function's logger, THEN it logs at LogLevel
    from aws_lambda_powertools import Logger

    logger = Logger(service=f"log-level-{logical_id}-{level}")
    assert logging.getLevelName(logger.log_level) == level
