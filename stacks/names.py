"""Names shared between stacks, the root wiring and the tools: defined once, never retyped.

What the functions must agree on too (key prefixes, environment, handlers, tags) lives in
``contract``; this module holds only CloudFormation names.

Parameter names are CloudFormation parameter logical ids; output names are Output logical ids.
The root stack reads a child's output with ``GetAtt(child, f"Outputs.{name}")``.
"""

from typing import Final

# Nested stack logical ids in the root template; the template file is ``<id lower>.json``.
MESSAGING: Final = "Messaging"
DATA: Final = "Data"
COMPUTE: Final = "Compute"
STORAGE: Final = "Storage"
ORCHESTRATION: Final = "Orchestration"
MONITORING: Final = "Monitoring"
BOOTSTRAP: Final = "Bootstrap"


class Param:
    """Parameter names (root parameters keep these exact: the deploy tool passes them)."""

    PROJECT_NAME: Final = "ProjectName"
    STAGE: Final = "Stage"
    NOTIFICATION_EMAIL: Final = "NotificationEmail"
    ARTIFACTS_BUCKET: Final = "ArtifactsBucket"
    VALIDATION_CODE_KEY: Final = "ValidationCodeKey"
    TRANSFORMATION_CODE_KEY: Final = "TransformationCodeKey"
    LAYER_CODE_KEY: Final = "LayerCodeKey"
    MAX_INVALID_ROW_RATIO: Final = "MaxInvalidRowRatio"
    SOURCE_TIMEZONE: Final = "SourceTimezone"
    RESERVED_CONCURRENCY: Final = "ReservedConcurrency"
    LOG_RETENTION_DAYS: Final = "LogRetentionDays"
    LOG_LEVEL: Final = "LogLevel"
    RETRY_INTERVAL_SECONDS: Final = "RetryIntervalSeconds"
    LAMBDA_RUNTIME: Final = "LambdaRuntime"
    LAMBDA_ARCHITECTURE: Final = "LambdaArchitecture"
    # Wiring-only parameters of nested stacks (computed or taken from a sibling's outputs).
    BUCKET_NAME: Final = "BucketName"
    STATE_MACHINE_NAME: Final = "StateMachineName"
    KEY_ARN: Final = "KeyArn"
    TOPIC_ARN: Final = "TopicArn"
    TABLE_NAME: Final = "TableName"
    TABLE_ARN: Final = "TableArn"
    VALIDATION_FUNCTION_ARN: Final = "ValidationFunctionArn"
    VALIDATION_FUNCTION_NAME: Final = "ValidationFunctionName"
    TRANSFORMATION_FUNCTION_ARN: Final = "TransformationFunctionArn"
    TRANSFORMATION_FUNCTION_NAME: Final = "TransformationFunctionName"
    VALIDATION_DLQ_NAME: Final = "ValidationDeadLetterQueueName"
    TRANSFORMATION_DLQ_NAME: Final = "TransformationDeadLetterQueueName"
    STATE_MACHINE_ARN: Final = "StateMachineArn"


class Output:
    """Output names of the nested stacks; the root re-exports the useful ones under the same names."""

    KEY_ARN: Final = "KeyArn"
    TOPIC_ARN: Final = "TopicArn"
    TABLE_NAME: Final = "TableName"
    TABLE_ARN: Final = "TableArn"
    BUCKET_NAME: Final = "BucketName"
    BUCKET_ARN: Final = "BucketArn"
    ACCESS_LOG_BUCKET_NAME: Final = "AccessLogBucketName"
    LAYER_VERSION_ARN: Final = "LayerVersionArn"
    VALIDATION_FUNCTION_ARN: Final = "ValidationFunctionArn"
    VALIDATION_FUNCTION_NAME: Final = "ValidationFunctionName"
    TRANSFORMATION_FUNCTION_ARN: Final = "TransformationFunctionArn"
    TRANSFORMATION_FUNCTION_NAME: Final = "TransformationFunctionName"
    VALIDATION_DLQ_NAME: Final = "ValidationDeadLetterQueueName"
    VALIDATION_DLQ_URL: Final = "ValidationDeadLetterQueueUrl"
    TRANSFORMATION_DLQ_NAME: Final = "TransformationDeadLetterQueueName"
    TRANSFORMATION_DLQ_URL: Final = "TransformationDeadLetterQueueUrl"
    VALIDATION_LOG_GROUP: Final = "ValidationLogGroupName"
    TRANSFORMATION_LOG_GROUP: Final = "TransformationLogGroupName"
    STATE_MACHINE_ARN: Final = "StateMachineArn"
    STATE_MACHINE_NAME: Final = "StateMachineName"
    STATE_MACHINE_LOG_GROUP: Final = "StateMachineLogGroupName"
    DASHBOARD_NAME: Final = "DashboardName"
    ARTIFACTS_BUCKET_NAME: Final = "ArtifactsBucketName"
