"""The root stack: user-facing parameters, the nested stacks, and the wiring between them.

Children meet only through this template: a child's inputs are root parameters, two
deterministic names (data bucket, state machine), or a sibling's ``Outputs.X``. No exports.
"""

from typing import Any

from troposphere import AWSHelperFn, GetAtt, Sub
from troposphere import cloudformation as cfn

from stacks import names
from stacks.base import Stack, lint_metadata, tags
from stacks.compute import ComputeStack
from stacks.data import DataStack
from stacks.messaging import MessagingStack
from stacks.monitoring import MonitoringStack
from stacks.names import Output
from stacks.orchestration import OrchestrationStack
from stacks.parameters import ROOT_PARAMETERS, Param
from stacks.storage import StorageStack

# Nested stacks in creation order: each may use the outputs of those before it.
CHILDREN: list[tuple[str, type[Stack]]] = [
    (names.MESSAGING, MessagingStack),
    (names.DATA, DataStack),
    (names.COMPUTE, ComputeStack),
    (names.STORAGE, StorageStack),
    (names.ORCHESTRATION, OrchestrationStack),
    (names.MONITORING, MonitoringStack),
]

# Which child output feeds which wiring parameter of later children (parameter name -> source).
WIRING: dict[str, tuple[str, str]] = {
    Param.KEY_ARN.name: (names.MESSAGING, Output.KEY_ARN),
    Param.TOPIC_ARN.name: (names.MESSAGING, Output.TOPIC_ARN),
    Param.TABLE_NAME.name: (names.DATA, Output.TABLE_NAME),
    Param.TABLE_ARN.name: (names.DATA, Output.TABLE_ARN),
    Param.VALIDATION_FUNCTION_ARN.name: (names.COMPUTE, Output.VALIDATION_FUNCTION_ARN),
    Param.VALIDATION_FUNCTION_NAME.name: (names.COMPUTE, Output.VALIDATION_FUNCTION_NAME),
    Param.TRANSFORMATION_FUNCTION_ARN.name: (names.COMPUTE, Output.TRANSFORMATION_FUNCTION_ARN),
    Param.TRANSFORMATION_FUNCTION_NAME.name: (names.COMPUTE, Output.TRANSFORMATION_FUNCTION_NAME),
    Param.VALIDATION_DLQ_NAME.name: (names.COMPUTE, Output.VALIDATION_DLQ_NAME),
    Param.SWEEPER_FUNCTION_NAME.name: (names.COMPUTE, Output.SWEEPER_FUNCTION_NAME),
    Param.SWEEPER_DLQ_NAME.name: (names.COMPUTE, Output.SWEEPER_DLQ_NAME),
    Param.STATE_MACHINE_ARN.name: (names.ORCHESTRATION, Output.STATE_MACHINE_ARN),
}

# Root outputs: what operators and the tools read after a deploy.
ROOT_OUTPUTS: list[tuple[str, str, str]] = [
    (names.STORAGE, Output.BUCKET_NAME, "Data bucket: upload CSVs under raw/"),
    (names.STORAGE, Output.ACCESS_LOG_BUCKET_NAME, "Server access logs of the data bucket"),
    (names.DATA, Output.TABLE_NAME, "Processing metadata table"),
    (names.MESSAGING, Output.TOPIC_ARN, "Failure notification topic"),
    (names.MESSAGING, Output.KEY_ARN, "KMS key of topic, queues and logs"),
    (names.COMPUTE, Output.VALIDATION_FUNCTION_NAME, "Validation function"),
    (names.COMPUTE, Output.TRANSFORMATION_FUNCTION_NAME, "Transformation function"),
    (names.COMPUTE, Output.VALIDATION_DLQ_URL, "Validation dead-letter queue"),
    (names.COMPUTE, Output.SWEEPER_FUNCTION_NAME, "Sweeper function (docs/pipeline.md §9)"),
    (names.COMPUTE, Output.SWEEPER_DLQ_URL, "Sweeper dead-letter queue"),
    (names.COMPUTE, Output.SWEEPER_LOG_GROUP, "Sweeper log group"),
    (names.COMPUTE, Output.VALIDATION_LOG_GROUP, "Validation log group"),
    (names.COMPUTE, Output.TRANSFORMATION_LOG_GROUP, "Transformation log group"),
    (names.ORCHESTRATION, Output.STATE_MACHINE_ARN, "Workflow state machine"),
    (names.ORCHESTRATION, Output.STATE_MACHINE_LOG_GROUP, "Workflow log group"),
    (names.MONITORING, Output.DASHBOARD_NAME, "CloudWatch dashboard"),
]

# Deterministic names that break the bucket/function and function/workflow cycles (at most
# 21 + 1 + 7 + 6 + 12 + 1 + 14 = 62 characters, within S3's 63).
DATA_BUCKET_NAME = "${ProjectName}-${Stage}-data-${AWS::AccountId}-${AWS::Region}"
STATE_MACHINE_NAME = "${ProjectName}-${Stage}-pipeline"


class RootStack(Stack):
    """Composes the six nested stacks; the only template a user deploys."""

    file_name = "root.json"
    description = "CSV ETL pipeline on S3, Lambda (polars), Step Functions, DynamoDB and SNS"

    def build(self) -> None:
        """Declare grouped parameters, then each child with its wired parameters, then outputs."""
        values: dict[str, AWSHelperFn] = {}
        for declared, form in ROOT_PARAMETERS:
            values[declared.name] = self.param(declared)
            self.template.add_parameter_to_group(declared.name, form.group.value)
            self.template.set_parameter_label(declared.name, form.label)
        values[Param.BUCKET_NAME.name] = Sub(DATA_BUCKET_NAME)
        values[Param.STATE_MACHINE_NAME.name] = Sub(STATE_MACHINE_NAME)
        for logical_id, child_class in CHILDREN:
            child = child_class()
            self.template.add_resource(
                cfn.Stack(
                    logical_id,
                    # The file name relative to templates/; packaging rewrites it to S3.
                    TemplateURL=child_class.file_name,
                    Parameters={name: self._value(values, name) for name in sorted(child.params)},
                    Tags=tags(),
                    # Deleting the pipeline deletes each child; their data stores are retained.
                    DeletionPolicy="Delete",
                    UpdateReplacePolicy="Delete",
                    Metadata=lint_metadata(
                        cfn_lint={
                            "W3002": "TemplateURL is the file name relative to templates/; "
                            "tools.package uploads it and rewrites the URL, as "
                            "`aws cloudformation package` does",
                        }
                    ),
                )
            )
        for logical_id, output, description in ROOT_OUTPUTS:
            self.output(output, GetAtt(logical_id, f"Outputs.{output}"), description)

    @staticmethod
    def _value(values: dict[str, AWSHelperFn], name: str) -> Any:
        if name in values:
            return values[name]
        child, output = WIRING[name]
        return GetAtt(child, f"Outputs.{output}")
