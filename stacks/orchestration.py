"""Orchestration: the Standard state machine (docs/interfaces.md, "Workflow"), its role and log group.

The definition is an object (not a string) so cfn-lint validates the ASL. ARNs and names enter
it through ``DefinitionSubstitutions``; the retry interval, which ASL wants as an integer, is an
``Fn::If`` between integer literals chosen by the ``RetryIntervalSeconds`` parameter.
"""

from typing import Any

from troposphere import AWSHelperFn, Equals, GetAtt, If, Sub, iam
from troposphere import stepfunctions as sfn

from contract import metadata
from contract.metadata import Attr, Status
from contract.payloads import (
    SUBJECT_PREFIX,
    Action,
    ExecutionInput,
    Notification,
    QuarantineRequest,
    QuarantineResult,
    Stage,
    TaskRequest,
    TransformResult,
    ValidateRequest,
    ValidateResult,
    field_names,
    field_path,
)
from stacks import policies
from stacks.base import Stack, tags
from stacks.names import Output
from stacks.parameters import RETRY_INTERVAL_VALUES, Param

BACKOFF_RATE = 2.0
MAX_DELAY_SECONDS = 60
TASK_RETRY_ATTEMPTS = 3  # any error of a task, after which its Catch takes over
LAMBDA_TRANSIENT_RETRY_ATTEMPTS = 6  # throttling and service errors of Lambda itself
LAMBDA_TRANSIENT_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
]

# Service integrations. CloudFormation resolves intrinsic functions inside Definition; cfn-lint's
# ASL schema would reject a "${Partition}" substitution placeholder in Resource.
LAMBDA_INVOKE = Sub("arn:${AWS::Partition}:states:::lambda:invoke")
DDB_PUT = Sub("arn:${AWS::Partition}:states:::dynamodb:putItem")
DDB_UPDATE = Sub("arn:${AWS::Partition}:states:::dynamodb:updateItem")
SNS_PUBLISH = Sub("arn:${AWS::Partition}:states:::sns:publish")

# State names (tests and the local runner refer to them).
RECORD_START = "RecordStart"
VALIDATE = "Validate"
IS_VALID = "IsValid"
TRANSFORM = "Transform"
RECORD_SUCCESS = "RecordSuccess"
SUCCEEDED = "Succeeded"
RECORD_INVALID = "RecordInvalid"
INVALID_FILE = "FileRejected"
UNEXPECTED_RESULT = "UnexpectedValidationResult"
QUARANTINE = "Quarantine"
QUARANTINE_FAILED = "QuarantineFailed"
RECORD_FAILURE = "RecordFailure"
NOTIFY = "Notify"
NOTIFY_PLAIN = "NotifyWithPlainSubject"
PIPELINE_FAILED = "PipelineFailed"

# Which pipeline stage failed, written to $.failed_stage before the failure path (SNS "stage").
STAGE_OF = {
    RECORD_START: Stage.METADATA.value,
    VALIDATE: Stage.VALIDATION.value,
    TRANSFORM: Stage.TRANSFORMATION.value,
    RECORD_SUCCESS: Stage.METADATA.value,
    RECORD_INVALID: Stage.METADATA.value,
}

# Where the workflow keeps each task's result in the execution state.
VALIDATION_RESULT = "$.validation.Payload"
TRANSFORMATION_RESULT = "$.transformation.Payload"
FAILURE = "$.failure"


def _input(name: str) -> str:
    """JSONPath of an execution input field."""
    return field_path("$", ExecutionInput, name)


def _validation(name: str) -> str:
    return field_path(VALIDATION_RESULT, ValidateResult, name)


def _transformation(name: str) -> str:
    return field_path(TRANSFORMATION_RESULT, TransformResult, name)


def _failure(name: str) -> str:
    return field_path(FAILURE, QuarantineResult, name)


def _interval_condition(value: str) -> str:
    return f"RetryIntervalIs{value}"


def retry_interval() -> AWSHelperFn:
    """IntervalSeconds as an integer picked by ``RetryIntervalSeconds`` (Ref would be a string)."""
    *choices, last = RETRY_INTERVAL_VALUES
    result: AWSHelperFn | int = int(last)
    for value in reversed(choices):
        result = If(_interval_condition(value), int(value), result)
    assert isinstance(result, AWSHelperFn)
    return result


def _retrier(errors: list[str], attempts: int) -> dict[str, Any]:
    return {
        "ErrorEquals": errors,
        "IntervalSeconds": retry_interval(),
        "MaxAttempts": attempts,
        "BackoffRate": BACKOFF_RATE,
        "MaxDelaySeconds": MAX_DELAY_SECONDS,
        "JitterStrategy": "FULL",
    }


def _retry(*, lambda_task: bool) -> list[dict[str, Any]]:
    retriers = [_retrier(["States.ALL"], TASK_RETRY_ATTEMPTS)]
    if lambda_task:
        retriers.insert(0, _retrier(LAMBDA_TRANSIENT_ERRORS, LAMBDA_TRANSIENT_RETRY_ATTEMPTS))
    return retriers


def _catch(next_state: str, result_path: str) -> list[dict[str, Any]]:
    return [{"ErrorEquals": ["States.ALL"], "ResultPath": result_path, "Next": next_state}]


def _main_task(name: str, state: dict[str, Any], *, lambda_task: bool) -> dict[str, Any]:
    """A main-path task: retries, then its error goes to ``<name>Failed`` and the failure path."""
    return {
        **state,
        "Retry": _retry(lambda_task=lambda_task),
        "Catch": _catch(f"{name}Failed", "$.error"),
    }


def _stage_marker(name: str) -> dict[str, Any]:
    return {
        "Type": "Pass",
        "Comment": f"Remember that {name} failed, for the notification",
        "Result": STAGE_OF[name],
        "ResultPath": "$.failed_stage",
        "Next": QUARANTINE,
    }


def _key() -> dict[str, Any]:
    """The metadata item's key: one item per execution (attempt) of a file."""
    return {
        metadata.PARTITION_KEY: {"S.$": _input("key")},
        metadata.SORT_KEY: {"S.$": "$$.Execution.StartTime"},
    }


def _task_request(payload: type, **fixed: Any) -> dict[str, Any]:
    """ASL Parameters for a task payload: every field of ``payload``, from the input or ``fixed``.

    A field not in ``fixed`` must be a TaskRequest field (taken from the execution input, the
    execution id for ``execution_arn``); ``fixed`` values that are JSONPaths (``$...``) are
    passed as ``name.$``.
    """
    params: dict[str, Any] = {}
    for name in field_names(payload):
        if name in fixed:
            value = fixed[name]
            if isinstance(value, str) and value.startswith("$"):
                params[f"{name}.$"] = value
            else:
                params[name] = value
        elif name == "execution_arn":
            params[f"{name}.$"] = "$$.Execution.Id"
        elif name in field_names(TaskRequest):
            params[f"{name}.$"] = _input(name)
        else:
            raise KeyError(f"{payload.__name__}.{name} needs a value")
    return params


def _number(path: str) -> dict[str, str]:
    # DynamoDB numbers travel as strings; the Lambda result holds JSON numbers.
    return {"N.$": f"States.JsonToString({path})"}


def _lambda_task(function: str, payload: dict[str, Any], result_path: str) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": LAMBDA_INVOKE,
        "Parameters": {"FunctionName": function, "Payload": payload},
        "ResultSelector": {"Payload.$": "$.Payload"},
        "ResultPath": result_path,
    }


def _update(expression: str, values: dict[str, Any], next_state: str) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": DDB_UPDATE,
        "Parameters": {
            "TableName": "${TableName}",
            "Key": _key(),
            "UpdateExpression": expression,
            "ExpressionAttributeNames": {"#status": Attr.STATUS},
            "ExpressionAttributeValues": values,
        },
        "ResultPath": None,
        "Next": next_state,
    }


def _notify(subject: dict[str, str], next_state: str) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": SNS_PUBLISH,
        "Parameters": {
            "TopicArn": "${TopicArn}",
            **subject,
            "Message": _message(),
        },
        "ResultPath": None,
        "Retry": _retry(lambda_task=False),
        "Next": next_state,
    }


def _message() -> dict[str, str]:
    """The notification body (contract ``Notification``) from the execution state."""
    sources = {
        "file": _input("key"),
        "bucket": _input("bucket"),
        "stage": "$.failed_stage",
        "error": _failure("error_message"),
        "execution_arn": "$$.Execution.Id",
    }
    return {f"{name}.$": sources[name] for name in field_names(Notification)}


def definition() -> dict[str, Any]:
    """The workflow in Amazon States Language (JSONPath); placeholders are substitutions."""
    ended = {":status": {"S": Status.FAILED.value}, ":end": {"S.$": "$$.State.EnteredTime"}}
    states: dict[str, Any] = {
        RECORD_START: _main_task(
            RECORD_START,
            {
                "Type": "Task",
                "Comment": "One PROCESSING item per attempt (a retried put rewrites the same item)",
                "Resource": DDB_PUT,
                "Parameters": {
                    "TableName": "${TableName}",
                    "Item": {
                        **_key(),
                        Attr.STATUS: {"S": Status.PROCESSING.value},
                        Attr.BUCKET: {"S.$": _input("bucket")},
                        Attr.VERSION_ID: {"S.$": _input("version_id")},
                        Attr.ETAG: {"S.$": _input("etag")},
                        Attr.EXECUTION_ARN: {"S.$": "$$.Execution.Id"},
                    },
                },
                "ResultPath": None,
                "Next": VALIDATE,
            },
            lambda_task=False,
        ),
        VALIDATE: _main_task(
            VALIDATE,
            {
                **_lambda_task(
                    "${ValidationFunctionArn}",
                    _task_request(ValidateRequest, action=Action.VALIDATE.value),
                    "$.validation",
                ),
                "Next": IS_VALID,
            },
            lambda_task=True,
        ),
        IS_VALID: {
            "Type": "Choice",
            "Choices": [
                {
                    "And": [
                        {"Variable": _validation("valid"), "IsBoolean": True},
                        {"Variable": _validation("valid"), "BooleanEquals": True},
                    ],
                    "Next": TRANSFORM,
                },
                {
                    "And": [
                        {"Variable": _validation("valid"), "IsBoolean": True},
                        {"Variable": _validation("valid"), "BooleanEquals": False},
                    ],
                    "Next": RECORD_INVALID,
                },
            ],
            "Default": UNEXPECTED_RESULT,
        },
        UNEXPECTED_RESULT: {
            "Type": "Pass",
            "Comment": "A result without a boolean 'valid' is a failure, never silent",
            "Result": {
                "Error": "UnexpectedValidationResult",
                "Cause": "the validation function returned no boolean 'valid'",
            },
            "ResultPath": "$.error",
            "Next": f"{VALIDATE}Failed",
        },
        TRANSFORM: _main_task(
            TRANSFORM,
            {
                **_lambda_task(
                    "${TransformationFunctionArn}",
                    _task_request(TaskRequest),
                    "$.transformation",
                ),
                "Next": RECORD_SUCCESS,
            },
            lambda_task=True,
        ),
        RECORD_SUCCESS: _main_task(
            RECORD_SUCCESS,
            _update(
                f"SET #status = :status, {Attr.PROCESS_END_TIME} = :end, "
                f"{Attr.ROWS_TOTAL} = :total, {Attr.ROWS_VALID} = :valid, "
                f"{Attr.ROWS_REJECTED} = :rejected, {Attr.OUTPUT_KEY} = :output",
                {
                    ":status": {"S": Status.SUCCEEDED.value},
                    ":end": {"S.$": "$$.State.EnteredTime"},
                    ":total": _number(_transformation("rows_total")),
                    ":valid": _number(_transformation("rows_valid")),
                    ":rejected": _number(_transformation("rows_rejected")),
                    ":output": {"S.$": _transformation("output_key")},
                },
                SUCCEEDED,
            ),
            lambda_task=False,
        ),
        SUCCEEDED: {"Type": "Succeed"},
        RECORD_INVALID: _main_task(
            RECORD_INVALID,
            _update(
                f"SET #status = :status, {Attr.PROCESS_END_TIME} = :end, "
                f"{Attr.ERROR_MESSAGE} = :error, {Attr.ROWS_TOTAL} = :total, "
                f"{Attr.ROWS_VALID} = :valid, {Attr.ROWS_REJECTED} = :rejected, "
                f"{Attr.OUTPUT_KEY} = :output",
                {
                    **ended,
                    ":error": {"S.$": _validation("error")},
                    ":total": _number(_validation("rows_total")),
                    ":valid": _number(_validation("rows_valid")),
                    ":rejected": _number(_validation("rows_rejected")),
                    ":output": {"S.$": _validation("outcome_key")},
                },
                INVALID_FILE,
            ),
            lambda_task=False,
        ),
        # A rejected file is an expected outcome, already filed under failed/ and notified by the
        # validation function: the execution succeeds, so the ExecutionsFailed alarm means that
        # the pipeline itself broke, not that a sender shipped a bad file.
        INVALID_FILE: {
            "Type": "Succeed",
            "Comment": "The file broke the data contract; see failed/<path>.error.json",
        },
        # Failure path: quarantine, record, notify, fail. Each step's Catch moves forward only.
        QUARANTINE: {
            **_lambda_task(
                "${ValidationFunctionArn}",
                _task_request(
                    QuarantineRequest,
                    action=Action.QUARANTINE.value,
                    stage="$.failed_stage",
                    error="$.error",
                ),
                FAILURE,
            ),
            "Comment": "Move the file to failed/ if it is still under raw/",
            "ResultSelector": {
                f"{name}.$": field_path("$.Payload", QuarantineResult, name)
                for name in ("quarantined", "error_message")
            },
            "Retry": _retry(lambda_task=True),
            "Catch": _catch(QUARANTINE_FAILED, "$.quarantine_error"),
            "Next": RECORD_FAILURE,
        },
        QUARANTINE_FAILED: {
            "Type": "Pass",
            "Comment": "Quarantine failed: record and notify the raw cause instead",
            "Parameters": {"quarantined": False, "error_message.$": "$.error.Cause"},
            "ResultPath": FAILURE,
            "Next": RECORD_FAILURE,
        },
        RECORD_FAILURE: {
            **_update(
                f"SET #status = :status, {Attr.PROCESS_END_TIME} = :end, "
                f"{Attr.ERROR_MESSAGE} = :error",
                {**ended, ":error": {"S.$": _failure("error_message")}},
                NOTIFY,
            ),
            "Retry": _retry(lambda_task=False),
            "Catch": _catch(NOTIFY, "$.record_failure_error"),
        },
        NOTIFY: {
            **_notify(
                {"Subject.$": f"States.Format('{SUBJECT_PREFIX}{{}}', {_input('key')})"},
                PIPELINE_FAILED,
            ),
            # SNS refuses subjects over 100 characters or with non-ASCII: retry without the key.
            "Catch": _catch(NOTIFY_PLAIN, "$.notify_error"),
        },
        NOTIFY_PLAIN: {
            **_notify({"Subject": SUBJECT_PREFIX.rstrip(": ")}, PIPELINE_FAILED),
            "Catch": _catch(PIPELINE_FAILED, "$.notify_error"),
        },
        PIPELINE_FAILED: {
            "Type": "Fail",
            "Error": "PipelineFailed",
            "Cause": "Processing failed; see the metadata table and the notification",
        },
    }
    for name in STAGE_OF:
        states[f"{name}Failed"] = _stage_marker(name)
    return {
        "Comment": "CSV ETL: record start, validate, transform, record outcome; failures are "
        "quarantined, recorded and notified",
        "QueryLanguage": "JSONPath",
        "StartAt": RECORD_START,
        "States": states,
    }


class OrchestrationStack(Stack):
    """The state machine (Standard, X-Ray, encrypted logs) and its exactly-scoped role."""

    file_name = "orchestration.json"
    description = "CSV ETL pipeline: Step Functions workflow, its role and log group"

    def build(self) -> None:
        """Log group, role, state machine, outputs."""
        self.param(Param.PROJECT_NAME)
        self.param(Param.STAGE)
        interval = self.param(Param.RETRY_INTERVAL_SECONDS)
        for value in RETRY_INTERVAL_VALUES[:-1]:
            self.template.add_condition(_interval_condition(value), Equals(interval, value))
        name = self.param(Param.STATE_MACHINE_NAME)
        validation = self.param(Param.VALIDATION_FUNCTION_ARN)
        transformation = self.param(Param.TRANSFORMATION_FUNCTION_ARN)
        table_arn = self.param(Param.TABLE_ARN)
        topic = self.param(Param.TOPIC_ARN)
        key = self.param(Param.KEY_ARN)
        log_group = self.log_group(
            "StateMachineLogGroup", Sub("/aws/vendedlogs/states/${StateMachineName}"), key
        )
        role = self.template.add_resource(
            iam.Role(
                "StateMachineRole",
                Description=Sub("${ProjectName}-${Stage} workflow"),
                AssumeRolePolicyDocument=policies.service_trust("states.amazonaws.com"),
                Policies=[
                    iam.Policy(
                        PolicyName="workflow-least-privilege",
                        PolicyDocument=policies.document(
                            policies.invoke_functions(validation, transformation),
                            policies.write_items(table_arn),
                            policies.publish_to_topic(topic),
                            policies.use_key(key),
                            policies.state_machine_log_delivery(),
                            policies.xray_write(),
                        ),
                    )
                ],
                Tags=tags(),
            )
        )
        machine = self.template.add_resource(
            sfn.StateMachine(
                "StateMachine",
                StateMachineName=name,
                StateMachineType="STANDARD",
                RoleArn=GetAtt(role, "Arn"),
                Definition=definition(),
                DefinitionSubstitutions={
                    "ValidationFunctionArn": validation,
                    "TransformationFunctionArn": transformation,
                    "TableName": self.param(Param.TABLE_NAME),
                    "TopicArn": topic,
                },
                LoggingConfiguration=sfn.LoggingConfiguration(
                    Level="ERROR",
                    IncludeExecutionData=True,
                    Destinations=[
                        sfn.LogDestination(
                            CloudWatchLogsLogGroup=sfn.CloudWatchLogsLogGroup(
                                LogGroupArn=GetAtt(log_group, "Arn")
                            )
                        )
                    ],
                ),
                TracingConfiguration=sfn.TracingConfiguration(Enabled=True),
                Tags=tags(),
            )
        )
        self.output(Output.STATE_MACHINE_ARN, machine.ref(), "State machine ARN")
        self.output(Output.STATE_MACHINE_NAME, GetAtt(machine, "Name"), "State machine name")
        self.output(Output.STATE_MACHINE_LOG_GROUP, log_group.ref(), "Workflow log group name")
