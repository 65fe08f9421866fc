"""Orchestration: the Standard state machine, its role and its log group.

The workflow itself (docs/pipeline.md §1) is ``stacks.workflow``; this stack supplies
the ARNs and names it refers to as ``DefinitionSubstitutions``.
"""

from troposphere import GetAtt, Ref, Sub, iam, logs
from troposphere import stepfunctions as sfn

from contract.environment import METRICS_NAMESPACE
from contract.keys import FAILED_PREFIX, RAW_PREFIX
from stacks import policies
from stacks.base import Stack, tags
from stacks.names import Output
from stacks.parameters import Param
from stacks.workflow import definition
from stacks.workflow.asl import Substitution
from stacks.workflow.records import BOOKKEEPING_FAILED, bookkeeping_metric_name

# Longest legitimate run: validate, transform and quarantine, each up to four attempts of the
# functions' longest run (900 s, compute.TIMEOUT_SECONDS) plus the longest retry wait (60 s):
# 3 x 4 x 960 s = 3.2 h. An execution past this is stuck, and the ExecutionsTimedOut alarm says
# so; without a timeout a Standard execution would wait up to a year and never time out.
WORKFLOW_TIMEOUT_SECONDS = 4 * 3600


class OrchestrationStack(Stack):
    """The state machine (Standard, X-Ray, encrypted logs) and its exactly-scoped role."""

    file_name = "orchestration.json"
    description = "CSV ETL pipeline: Step Functions workflow, its role and log group"

    def build(self) -> None:
        """Log group, role, state machine, outputs."""
        self.param(Param.PROJECT_NAME)
        self.param(Param.STAGE)
        name = self.param(Param.STATE_MACHINE_NAME)
        validation = self.param(Param.VALIDATION_FUNCTION_ARN)
        transformation = self.param(Param.TRANSFORMATION_FUNCTION_ARN)
        table_arn = self.param(Param.TABLE_ARN)
        topic = self.param(Param.TOPIC_ARN)
        key = self.param(Param.KEY_ARN)
        bucket = self.param(Param.BUCKET_NAME)
        log_group = self.log_group(
            "StateMachineLogGroup", Sub("/aws/vendedlogs/states/${StateMachineName}"), key
        )
        self._bookkeeping_metric(log_group)
        role = self._role(validation, transformation, table_arn, topic, key, bucket)
        machine = self.template.add_resource(
            sfn.StateMachine(
                "StateMachine",
                StateMachineName=name,
                StateMachineType="STANDARD",
                RoleArn=GetAtt(role, "Arn"),
                Definition={**definition(), "TimeoutSeconds": WORKFLOW_TIMEOUT_SECONDS},
                DefinitionSubstitutions={
                    Substitution.VALIDATION_FUNCTION_ARN: validation,
                    Substitution.TRANSFORMATION_FUNCTION_ARN: transformation,
                    Substitution.TABLE_NAME: self.param(Param.TABLE_NAME),
                    Substitution.TOPIC_ARN: topic,
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

    def _bookkeeping_metric(self, log_group: logs.LogGroup) -> None:
        """Count executions that end in BookkeepingFailed (logged at level ERROR), for its alarm."""
        self.template.add_resource(
            logs.MetricFilter(
                "BookkeepingFailuresMetricFilter",
                LogGroupName=log_group.ref(),
                FilterPattern='{ $.type = "ExecutionFailed" && $.details.error = "'
                + BOOKKEEPING_FAILED
                + '" }',
                MetricTransformations=[
                    logs.MetricTransformation(
                        MetricNamespace=METRICS_NAMESPACE,
                        MetricName=bookkeeping_metric_name(),
                        MetricValue="1",
                        Unit="Count",
                    )
                ],
            )
        )

    def _role(
        self,
        validation: Ref,
        transformation: Ref,
        table_arn: Ref,
        topic: Ref,
        key: Ref,
        bucket: Ref,
    ) -> iam.Role:
        """What the workflow's tasks call, and nothing else; plus log delivery and X-Ray."""
        return self.template.add_resource(
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
                            # Quarantine through S3 integrations: the failure path's copy
                            # (tags kept), report, holder HEAD (404 needs ListBucket), delete.
                            policies.list_bucket(bucket),
                            policies.read_versions(bucket, RAW_PREFIX),
                            policies.copy_version_tags(bucket, RAW_PREFIX, FAILED_PREFIX),
                            policies.put_objects(bucket, FAILED_PREFIX),
                            policies.read_latest_objects(bucket, FAILED_PREFIX),
                            policies.delete_versions(bucket, RAW_PREFIX),
                            policies.use_key(key),
                            policies.state_machine_log_delivery(),
                            policies.xray_write(),
                        ),
                    )
                ],
                Tags=tags(),
            )
        )
