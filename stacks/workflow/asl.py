"""Amazon States Language building blocks the workflow's states are made of.

Every task built here carries its Retry policy, so no task goes unretried; the paths add each
task's Catch. Payload fields are addressed through ``contract.payloads.field_path``, which
refuses a field the payload class does not have, so the workflow and the functions cannot drift.
"""

from typing import Any, Final

from troposphere import Sub

from contract.payloads import ExecutionInput, TaskRequest, field_names, field_path

State = dict[str, Any]
States = dict[str, State]


class Substitution:
    """``DefinitionSubstitutions`` the definition refers to as ``${Name}``; the stack supplies each."""

    VALIDATION_FUNCTION_ARN: Final = "ValidationFunctionArn"
    TRANSFORMATION_FUNCTION_ARN: Final = "TransformationFunctionArn"
    TABLE_NAME: Final = "TableName"
    TOPIC_ARN: Final = "TopicArn"


def substituted(name: str) -> str:
    """The placeholder CloudFormation replaces with substitution ``name``."""
    return "${" + name + "}"


# Service integrations. CloudFormation resolves intrinsic functions inside Definition; cfn-lint's
# ASL schema would reject a "${Partition}" substitution placeholder in Resource.
LAMBDA_INVOKE = Sub("arn:${AWS::Partition}:states:::lambda:invoke")
DDB_PUT = Sub("arn:${AWS::Partition}:states:::dynamodb:putItem")
DDB_UPDATE = Sub("arn:${AWS::Partition}:states:::dynamodb:updateItem")
SNS_PUBLISH = Sub("arn:${AWS::Partition}:states:::sns:publish")


def s3_sdk(api: str) -> Sub:
    """The Step Functions AWS SDK integration of one S3 API action (e.g. ``copyObject``)."""
    return Sub("arn:${AWS::Partition}:states:::aws-sdk:s3:" + api)


# Context object paths.
EXECUTION_ID = "$$.Execution.Id"
EXECUTION_START = "$$.Execution.StartTime"
STATE_ENTERED = "$$.State.EnteredTime"

# The first retry waits 2 s (ASL wants whole seconds), then backoff doubles it up to the cap.
RETRY_INTERVAL_SECONDS = 2
BACKOFF_RATE = 2.0
MAX_DELAY_SECONDS = 60
TASK_RETRY_ATTEMPTS = 3  # any error of a Lambda task, after which its Catch takes over
LAMBDA_TRANSIENT_RETRY_ATTEMPTS = 6  # throttling and service errors of Lambda itself
# DynamoDB, SNS and S3 calls retry any error 10 times: waits of up to 2, 4, 8, 16, 32, then
# 60 s (full jitter), at most 6 min 2 s in all, about 3 min on average. That outlasts
# on-demand DynamoDB's throttling while it adapts to a new peak, a partition's adaptive
# capacity and SNS's per-account publish throttling, none of which clears in seconds
# (docs/pipeline.md §6 has the sources). A Standard workflow waits for free.
SERVICE_RETRY_ATTEMPTS = 10
LAMBDA_TRANSIENT_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
]


def merge(*parts: States) -> States:
    """States from several builders as one map; a name built twice is a mistake, not an override."""
    merged: States = {}
    for part in parts:
        if duplicated := merged.keys() & part.keys():
            raise ValueError(f"states built twice: {sorted(duplicated)}")
        merged |= part
    return merged


def _retrier(errors: list[str], attempts: int) -> dict[str, Any]:
    return {
        "ErrorEquals": errors,
        "IntervalSeconds": RETRY_INTERVAL_SECONDS,
        "MaxAttempts": attempts,
        "BackoffRate": BACKOFF_RATE,
        "MaxDelaySeconds": MAX_DELAY_SECONDS,
        "JitterStrategy": "FULL",
    }


def retry(*, lambda_task: bool) -> list[dict[str, Any]]:
    """Exponential backoff with full jitter; a Lambda task first rides out Lambda's own errors.

    A Lambda task's own errors (the code failed) get TASK_RETRY_ATTEMPTS; a service task
    (DynamoDB, SNS, S3) only fails transiently, so it gets SERVICE_RETRY_ATTEMPTS.
    """
    if not lambda_task:
        return [_retrier(["States.ALL"], SERVICE_RETRY_ATTEMPTS)]
    return [
        _retrier(LAMBDA_TRANSIENT_ERRORS, LAMBDA_TRANSIENT_RETRY_ATTEMPTS),
        _retrier(["States.ALL"], TASK_RETRY_ATTEMPTS),
    ]


def catch(next_state: str, result_path: str) -> list[dict[str, Any]]:
    """Any error (once retries are spent) goes to ``next_state``, kept at ``result_path``."""
    return [{"ErrorEquals": ["States.ALL"], "ResultPath": result_path, "Next": next_state}]


def from_input(name: str) -> str:
    """JSONPath of an execution input field."""
    return field_path("$", ExecutionInput, name)


def number(path: str) -> dict[str, str]:
    """A DynamoDB number from a JSON number: DynamoDB numbers travel as strings."""
    return {"N.$": f"States.JsonToString({path})"}


def task_request(payload: type, **fixed: Any) -> dict[str, Any]:
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
            params[f"{name}.$"] = EXECUTION_ID
        elif name in field_names(TaskRequest):
            params[f"{name}.$"] = from_input(name)
        else:
            raise KeyError(f"{payload.__name__}.{name} needs a value")
    return params


def invoke(function: str, payload: dict[str, Any], result_path: str, next_state: str) -> State:
    """A Lambda task: the function's result payload lands at ``result_path``."""
    return {
        "Type": "Task",
        "Resource": LAMBDA_INVOKE,
        "Parameters": {"FunctionName": function, "Payload": payload},
        "ResultSelector": {"Payload.$": "$.Payload"},
        "ResultPath": result_path,
        "Retry": retry(lambda_task=True),
        "Next": next_state,
    }


def service_task(resource: Sub, parameters: dict[str, Any], next_state: str) -> State:
    """A task on an AWS service integration (DynamoDB, SNS, S3): its result is dropped."""
    return {
        "Type": "Task",
        "Resource": resource,
        "Parameters": parameters,
        "ResultPath": None,
        "Retry": retry(lambda_task=False),
        "Next": next_state,
    }


def is_present(path: str) -> dict[str, Any]:
    """A Choice rule: ``path`` exists in the state's input."""
    return {"Variable": path, "IsPresent": True}
