"""Nested stack and output names shared between the stacks and the root wiring: defined once.

What the functions must agree on too (key prefixes, environment, handlers, tags) lives in
``contract``; parameters are declared in ``stacks.parameters``. Output names are Output logical
ids; the root stack reads a child's output with ``GetAtt(child, f"Outputs.{name}")``.
"""

from typing import Final

# Nested stack logical ids in the root template; the template file is ``<id lower>.json``.
MESSAGING: Final = "Messaging"
DATA: Final = "Data"
COMPUTE: Final = "Compute"
STORAGE: Final = "Storage"
ORCHESTRATION: Final = "Orchestration"
MONITORING: Final = "Monitoring"


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
    SWEEPER_FUNCTION_NAME: Final = "SweeperFunctionName"
    SWEEPER_DLQ_NAME: Final = "SweeperDeadLetterQueueName"
    SWEEPER_DLQ_URL: Final = "SweeperDeadLetterQueueUrl"
    SWEEPER_LOG_GROUP: Final = "SweeperLogGroupName"
    VALIDATION_LOG_GROUP: Final = "ValidationLogGroupName"
    TRANSFORMATION_LOG_GROUP: Final = "TransformationLogGroupName"
    STATE_MACHINE_ARN: Final = "StateMachineArn"
    STATE_MACHINE_NAME: Final = "StateMachineName"
    STATE_MACHINE_LOG_GROUP: Final = "StateMachineLogGroupName"
    DASHBOARD_NAME: Final = "DashboardName"
    ARTIFACTS_BUCKET_NAME: Final = "ArtifactsBucketName"
    ARTIFACTS_BUCKET_ARN: Final = "ArtifactsBucketArn"
