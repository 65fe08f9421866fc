"""Every parameter's type, default and validation, defined once.

The root stack declares the user-facing ones; nested stacks declare the same parameter with the
same constraints, so a value is validated wherever it enters a template.
"""

from typing import Any, Final

from stacks.names import Param

# Valid CloudWatch Logs retention periods (days).
LOG_RETENTION_VALUES: Final = [
    "1", "3", "5", "7", "14", "30", "60", "90", "120", "150", "180", "365", "400", "545",
    "731", "1096", "1827", "2192", "2557", "2922", "3288", "3653",
]  # fmt: skip

# A Step Functions retry interval must be an integer in the definition, so the parameter is a
# closed set that the orchestration stack maps to integer literals with conditions.
RETRY_INTERVAL_VALUES: Final = ["1", "2", "5"]

_S3_KEY = r"^[A-Za-z0-9!_.*'()/-]{1,1024}$"
_ARN = r"^arn:aws[a-zA-Z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:.+$"

SPECS: Final[dict[str, dict[str, Any]]] = {
    Param.PROJECT_NAME: {
        "Type": "String",
        "Default": "csv-etl",
        "AllowedPattern": r"^[a-z][a-z0-9-]{1,19}[a-z0-9]$",
        "ConstraintDescription": "3 to 21 lower-case letters, digits and hyphens, starting "
        "with a letter (it prefixes the data bucket name)",
        "Description": "Lower-case project name that prefixes resource names",
    },
    Param.STAGE: {
        "Type": "String",
        "Default": "prod",
        "AllowedValues": ["dev", "staging", "prod"],
        "ConstraintDescription": "one of dev, staging, prod",
        "Description": "Deployment stage",
    },
    Param.NOTIFICATION_EMAIL: {
        "Type": "String",
        "Default": "",
        "AllowedPattern": r"^$|^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$",
        "ConstraintDescription": "an email address, or empty for no email subscription",
        "Description": "Email address subscribed to failure notifications (empty: none)",
    },
    Param.ARTIFACTS_BUCKET: {
        "Type": "String",
        "AllowedPattern": r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        "ConstraintDescription": "an S3 bucket name",
        "Description": "Bucket holding the function and layer zips (the bootstrap stack's)",
    },
    Param.VALIDATION_CODE_KEY: {
        "Type": "String",
        "AllowedPattern": _S3_KEY,
        "ConstraintDescription": "an S3 object key",
        "Description": "S3 key of the validation function zip",
    },
    Param.TRANSFORMATION_CODE_KEY: {
        "Type": "String",
        "AllowedPattern": _S3_KEY,
        "ConstraintDescription": "an S3 object key",
        "Description": "S3 key of the transformation function zip",
    },
    Param.LAYER_CODE_KEY: {
        "Type": "String",
        "AllowedPattern": _S3_KEY,
        "ConstraintDescription": "an S3 object key",
        "Description": "S3 key of the layer zip (polars and Powertools)",
    },
    Param.MAX_INVALID_ROW_RATIO: {
        "Type": "String",
        "Default": "0",
        "AllowedPattern": r"^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$",
        "ConstraintDescription": "a decimal from 0 to 1 (at most six fraction digits)",
        "Description": "Share of invalid rows a file may have and still be processed (0: strict)",
    },
    Param.SOURCE_TIMEZONE: {
        "Type": "String",
        "Default": "UTC",
        "AllowedPattern": r"^[A-Za-z][A-Za-z0-9_+/-]{0,63}$",
        "ConstraintDescription": "an IANA time zone name such as UTC or Europe/Paris",
        "Description": "Time zone of timestamps that carry no offset",
    },
    Param.RESERVED_CONCURRENCY: {
        "Type": "Number",
        "Default": "0",
        "MinValue": 0,
        "MaxValue": 1000,
        "ConstraintDescription": "0 (unreserved) to 1000",
        "Description": "Reserved concurrency of each function; 0 leaves them unreserved "
        "(an account must keep 100 unreserved)",
    },
    Param.LOG_RETENTION_DAYS: {
        "Type": "Number",
        "Default": "365",
        "AllowedValues": LOG_RETENTION_VALUES,
        "ConstraintDescription": "a CloudWatch Logs retention period in days",
        "Description": "Retention of every log group, in days",
    },
    Param.LOG_LEVEL: {
        "Type": "String",
        "Default": "INFO",
        "AllowedValues": ["DEBUG", "INFO", "WARNING", "ERROR"],
        "ConstraintDescription": "one of DEBUG, INFO, WARNING, ERROR",
        "Description": "Log level of the functions (POWERTOOLS_LOG_LEVEL)",
    },
    Param.RETRY_INTERVAL_SECONDS: {
        "Type": "String",
        "Default": "2",
        "AllowedValues": RETRY_INTERVAL_VALUES,
        "ConstraintDescription": "one of " + ", ".join(RETRY_INTERVAL_VALUES),
        "Description": "First retry interval of every workflow task (backoff doubles it)",
    },
    Param.LAMBDA_RUNTIME: {
        "Type": "String",
        "Default": "python3.13",
        "AllowedValues": ["python3.13"],
        "ConstraintDescription": "python3.13 (the layer is built for it)",
        "Description": "Lambda runtime of both functions and the layer",
    },
    Param.LAMBDA_ARCHITECTURE: {
        "Type": "String",
        "Default": "arm64",
        # tools/build_functions.py builds the layer from manylinux aarch64 wheels only: an
        # x86_64 function would fail to import polars.
        "AllowedValues": ["arm64"],
        "ConstraintDescription": "arm64 (the polars layer is built for aarch64)",
        "Description": "Instruction set of both functions and the layer",
    },
    # Wiring parameters: values come from the root, never typed by a user.
    Param.BUCKET_NAME: {
        "Type": "String",
        "AllowedPattern": r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        "ConstraintDescription": "an S3 bucket name",
        "Description": "Deterministic name of the data bucket",
    },
    Param.STATE_MACHINE_NAME: {
        "Type": "String",
        "AllowedPattern": r"^[A-Za-z0-9_-]{1,80}$",
        "ConstraintDescription": "1 to 80 letters, digits, hyphens or underscores",
        "Description": "Deterministic name of the state machine",
    },
    Param.KEY_ARN: {
        "Type": "String",
        "AllowedPattern": _ARN,
        "ConstraintDescription": "a KMS key ARN",
        "Description": "Customer-managed KMS key for topic, queues and log groups",
    },
    Param.TOPIC_ARN: {
        "Type": "String",
        "AllowedPattern": _ARN,
        "ConstraintDescription": "an SNS topic ARN",
        "Description": "Notification topic",
    },
    Param.TABLE_NAME: {
        "Type": "String",
        "AllowedPattern": r"^[A-Za-z0-9_.-]{3,255}$",
        "ConstraintDescription": "a DynamoDB table name",
        "Description": "Metadata table",
    },
    Param.TABLE_ARN: {
        "Type": "String",
        "AllowedPattern": _ARN,
        "ConstraintDescription": "a DynamoDB table ARN",
        "Description": "Metadata table ARN",
    },
    Param.VALIDATION_FUNCTION_ARN: {
        "Type": "String",
        "AllowedPattern": _ARN,
        "ConstraintDescription": "a Lambda function ARN",
        "Description": "Validation function ARN",
    },
    Param.TRANSFORMATION_FUNCTION_ARN: {
        "Type": "String",
        "AllowedPattern": _ARN,
        "ConstraintDescription": "a Lambda function ARN",
        "Description": "Transformation function ARN",
    },
    Param.VALIDATION_FUNCTION_NAME: {
        "Type": "String",
        "AllowedPattern": r"^[A-Za-z0-9_-]{1,64}$",
        "ConstraintDescription": "a Lambda function name",
        "Description": "Validation function name",
    },
    Param.TRANSFORMATION_FUNCTION_NAME: {
        "Type": "String",
        "AllowedPattern": r"^[A-Za-z0-9_-]{1,64}$",
        "ConstraintDescription": "a Lambda function name",
        "Description": "Transformation function name",
    },
    Param.VALIDATION_DLQ_NAME: {
        "Type": "String",
        "AllowedPattern": r"^[A-Za-z0-9_-]{1,80}$",
        "ConstraintDescription": "an SQS queue name",
        "Description": "Validation dead-letter queue name",
    },
    Param.TRANSFORMATION_DLQ_NAME: {
        "Type": "String",
        "AllowedPattern": r"^[A-Za-z0-9_-]{1,80}$",
        "ConstraintDescription": "an SQS queue name",
        "Description": "Transformation dead-letter queue name",
    },
    Param.STATE_MACHINE_ARN: {
        "Type": "String",
        "AllowedPattern": _ARN,
        "ConstraintDescription": "a state machine ARN",
        "Description": "State machine ARN",
    },
}
