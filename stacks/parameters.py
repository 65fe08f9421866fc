"""Every template parameter, declared once: name, type, validation, default, form group and label.

``Stack.param`` declares a parameter from its declaration here, so a value is validated the same
way wherever it enters a template. The root declares the user-facing ones (those with a
``form``) in the console form's order; nested stacks declare the ones they use, wiring-only
parameters included (their values come from the root, never from a user).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final


class Group(StrEnum):
    """Groups of the root template's console form, in display order."""

    DEPLOYMENT = "Deployment"
    CODE_ARTIFACTS = "Code artifacts"
    FUNCTIONS = "Functions"
    DATA_CONTRACT = "Data contract"
    OPERATIONS = "Operations"


@dataclass(frozen=True)
class Form:
    """Where a user-facing parameter appears in the root's console form."""

    group: Group
    label: str


@dataclass(frozen=True)
class TemplateParameter:
    """One CloudFormation parameter; ``form`` only for a user-facing (root) one."""

    name: str
    description: str
    constraint: str  # ConstraintDescription: what a rejected value should have been
    type: str = "String"
    pattern: str | None = None
    allowed: tuple[str, ...] | None = None
    min_value: int | None = None
    max_value: int | None = None
    default: str | None = None
    form: Form | None = None

    def properties(self) -> dict[str, Any]:
        """The troposphere ``Parameter`` keyword arguments."""
        optional = {
            "AllowedPattern": self.pattern,
            "AllowedValues": list(self.allowed) if self.allowed is not None else None,
            "MinValue": self.min_value,
            "MaxValue": self.max_value,
            "Default": self.default,
        }
        return {
            "Type": self.type,
            "Description": self.description,
            "ConstraintDescription": self.constraint,
            **{key: value for key, value in optional.items() if value is not None},
        }


# Valid CloudWatch Logs retention periods (days).
LOG_RETENTION_VALUES: Final = (
    "1", "3", "5", "7", "14", "30", "60", "90", "120", "150", "180", "365", "400", "545",
    "731", "1096", "1827", "2192", "2557", "2922", "3288", "3653",
)  # fmt: skip

_S3_KEY = r"^[A-Za-z0-9!_.*'()/-]{1,1024}$"
_ARN = r"^arn:aws[a-zA-Z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:.+$"
_BUCKET = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
_FUNCTION_NAME = r"^[A-Za-z0-9_-]{1,64}$"
_QUEUE_NAME = r"^[A-Za-z0-9_-]{1,80}$"


def _arn(name: str, description: str, constraint: str) -> TemplateParameter:
    return TemplateParameter(name, description, constraint, pattern=_ARN)


class Param:
    """Every parameter, by the name the stacks use for it (root names are what the tools pass)."""

    PROJECT_NAME: Final = TemplateParameter(
        "ProjectName",
        "Lower-case project name that prefixes resource names",
        "3 to 21 lower-case letters, digits and hyphens, starting with a letter (it prefixes "
        "the data bucket name)",
        pattern=r"^[a-z][a-z0-9-]{1,19}[a-z0-9]$",
        default="csv-etl",
        form=Form(Group.DEPLOYMENT, "Project name (lower case)"),
    )
    STAGE: Final = TemplateParameter(
        "Stage",
        "Deployment stage",
        "one of dev, staging, prod",
        allowed=("dev", "staging", "prod"),
        default="prod",
        form=Form(Group.DEPLOYMENT, "Stage"),
    )
    NOTIFICATION_EMAIL: Final = TemplateParameter(
        "NotificationEmail",
        "Email address subscribed to failure notifications (empty: none)",
        "an email address, or empty for no email subscription",
        pattern=r"^$|^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$",
        default="",
        form=Form(Group.DEPLOYMENT, "Notification email (optional)"),
    )
    ARTIFACTS_BUCKET: Final = TemplateParameter(
        "ArtifactsBucket",
        "Bucket holding the function and layer zips (the bootstrap stack's)",
        "an S3 bucket name",
        pattern=_BUCKET,
        form=Form(Group.CODE_ARTIFACTS, "Artifacts bucket"),
    )
    VALIDATION_CODE_KEY: Final = TemplateParameter(
        "ValidationCodeKey",
        "S3 key of the validation function zip",
        "an S3 object key",
        pattern=_S3_KEY,
        form=Form(Group.CODE_ARTIFACTS, "Validation function zip key"),
    )
    TRANSFORMATION_CODE_KEY: Final = TemplateParameter(
        "TransformationCodeKey",
        "S3 key of the transformation function zip",
        "an S3 object key",
        pattern=_S3_KEY,
        form=Form(Group.CODE_ARTIFACTS, "Transformation function zip key"),
    )
    SWEEPER_CODE_KEY: Final = TemplateParameter(
        "SweeperCodeKey",
        "S3 key of the sweeper function zip",
        "an S3 object key",
        pattern=_S3_KEY,
        form=Form(Group.CODE_ARTIFACTS, "Sweeper function zip key"),
    )
    LAYER_CODE_KEY: Final = TemplateParameter(
        "LayerCodeKey",
        "S3 key of the layer zip (polars and Powertools)",
        "an S3 object key",
        pattern=_S3_KEY,
        form=Form(Group.CODE_ARTIFACTS, "polars layer zip key"),
    )
    RESERVED_CONCURRENCY: Final = TemplateParameter(
        "ReservedConcurrency",
        "Reserved concurrency of each function; 0 leaves them unreserved (an account must keep "
        "100 unreserved)",
        "0 (unreserved) to 1000",
        type="Number",
        min_value=0,
        max_value=1000,
        default="0",
        form=Form(Group.FUNCTIONS, "Reserved concurrency per function (0: unreserved)"),
    )
    LOG_LEVEL: Final = TemplateParameter(
        "LogLevel",
        "Log level of the functions (POWERTOOLS_LOG_LEVEL)",
        "one of DEBUG, INFO, WARNING, ERROR",
        allowed=("DEBUG", "INFO", "WARNING", "ERROR"),
        default="INFO",
        form=Form(Group.FUNCTIONS, "Log level"),
    )
    MAX_INVALID_ROW_RATIO: Final = TemplateParameter(
        "MaxInvalidRowRatio",
        "Share of invalid rows a file may have and still be processed (0: strict)",
        "a decimal from 0 to 1 (at most six fraction digits)",
        pattern=r"^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$",
        default="0",
        form=Form(Group.DATA_CONTRACT, "Maximum invalid row ratio"),
    )
    SOURCE_TIMEZONE: Final = TemplateParameter(
        "SourceTimezone",
        "Time zone of timestamps that carry no offset",
        "an IANA time zone name such as UTC or Europe/Paris",
        pattern=r"^[A-Za-z][A-Za-z0-9_+/-]{0,63}$",
        default="UTC",
        form=Form(Group.DATA_CONTRACT, "Time zone of timestamps without offset"),
    )
    LOG_RETENTION_DAYS: Final = TemplateParameter(
        "LogRetentionDays",
        "Retention of every log group, in days",
        "a CloudWatch Logs retention period in days",
        type="Number",
        allowed=LOG_RETENTION_VALUES,
        default="365",
        form=Form(Group.OPERATIONS, "Log retention (days)"),
    )
    SWEEPER_SCHEDULE: Final = TemplateParameter(
        "SweeperSchedule",
        "How often the sweeper starts what raw/ still holds (docs/pipeline.md §9): an "
        "EventBridge rate() or cron() expression",
        "an EventBridge schedule expression such as rate(15 minutes) or cron(0/10 * * * ? *)",
        pattern=r"^(rate|cron)\([^()]{1,200}\)$",
        default="rate(15 minutes)",
        form=Form(Group.OPERATIONS, "Sweeper schedule"),
    )
    SWEEPER_THRESHOLD_MINUTES: Final = TemplateParameter(
        "SweeperThresholdMinutes",
        "Age after which a version still under raw/ with no execution running is started by "
        "the sweeper; longer than the trigger's own retries (about 3 minutes)",
        "whole minutes from 5 to 10080 (a week)",
        type="Number",
        min_value=5,
        max_value=10080,
        default="60",
        form=Form(Group.OPERATIONS, "Sweeper threshold (minutes)"),
    )
    SWEEPER_MAX_STARTS: Final = TemplateParameter(
        "SweeperMaxStarts",
        "Executions one sweeper run starts at most; the next run continues",
        "1 to 1000",
        type="Number",
        min_value=1,
        max_value=1000,
        default="100",
        form=Form(Group.OPERATIONS, "Sweeper starts per run (at most)"),
    )

    # Wiring parameters: values come from the root (deterministic names, siblings' outputs).
    BUCKET_NAME: Final = TemplateParameter(
        "BucketName", "Deterministic name of the data bucket", "an S3 bucket name", pattern=_BUCKET
    )
    STATE_MACHINE_NAME: Final = TemplateParameter(
        "StateMachineName",
        "Deterministic name of the state machine",
        "1 to 80 letters, digits, hyphens or underscores",
        pattern=r"^[A-Za-z0-9_-]{1,80}$",
    )
    KEY_ARN: Final = _arn(
        "KeyArn", "Customer-managed KMS key for topic, queues and log groups", "a KMS key ARN"
    )
    TOPIC_ARN: Final = _arn("TopicArn", "Notification topic", "an SNS topic ARN")
    TABLE_NAME: Final = TemplateParameter(
        "TableName", "Metadata table", "a DynamoDB table name", pattern=r"^[A-Za-z0-9_.-]{3,255}$"
    )
    TABLE_ARN: Final = _arn("TableArn", "Metadata table ARN", "a DynamoDB table ARN")
    VALIDATION_FUNCTION_ARN: Final = _arn(
        "ValidationFunctionArn", "Validation function ARN", "a Lambda function ARN"
    )
    TRANSFORMATION_FUNCTION_ARN: Final = _arn(
        "TransformationFunctionArn", "Transformation function ARN", "a Lambda function ARN"
    )
    VALIDATION_FUNCTION_NAME: Final = TemplateParameter(
        "ValidationFunctionName",
        "Validation function name",
        "a Lambda function name",
        pattern=_FUNCTION_NAME,
    )
    TRANSFORMATION_FUNCTION_NAME: Final = TemplateParameter(
        "TransformationFunctionName",
        "Transformation function name",
        "a Lambda function name",
        pattern=_FUNCTION_NAME,
    )
    VALIDATION_DLQ_NAME: Final = TemplateParameter(
        "ValidationDeadLetterQueueName",
        "Validation dead-letter queue name",
        "an SQS queue name",
        pattern=_QUEUE_NAME,
    )
    SWEEPER_FUNCTION_NAME: Final = TemplateParameter(
        "SweeperFunctionName", "Sweeper function name", "a Lambda function name",
        pattern=_FUNCTION_NAME,
    )  # fmt: skip
    SWEEPER_DLQ_NAME: Final = TemplateParameter(
        "SweeperDeadLetterQueueName", "Sweeper dead-letter queue name", "an SQS queue name",
        pattern=_QUEUE_NAME,
    )  # fmt: skip
    STATE_MACHINE_ARN: Final = _arn("StateMachineArn", "State machine ARN", "a state machine ARN")


def _root_parameters() -> Iterator[tuple[TemplateParameter, Form]]:
    declared = [p for p in vars(Param).values() if isinstance(p, TemplateParameter)]
    for group in Group:
        for parameter in declared:
            if parameter.form is not None and parameter.form.group is group:
                yield parameter, parameter.form


#: The root template's parameters and their place in the console form, in the form's order.
ROOT_PARAMETERS: Final = tuple(_root_parameters())
