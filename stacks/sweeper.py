"""The sweeper function in the compute stack: its role, DLQ, log group and schedule.

It starts executions for versions left under raw/ (docs/pipeline.md §9). It lives beside the
other functions (same layer, key, logging and tracing) but has its own module: an EventBridge
rule invokes it on ``SweeperSchedule``, asynchronously, so like the validation function it
has bounded async retries and a dead-letter queue (``make redrive`` replays it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from troposphere import AWSHelperFn, GetAtt, Ref, events
from troposphere import awslambda as lambda_

from contract.deployment import SWEEPER_HANDLER, SWEEPER_SERVICE
from contract.environment import Env
from stacks import policies
from stacks.base import tags
from stacks.names import Output
from stacks.parameters import Param

if TYPE_CHECKING:
    from stacks.compute import ComputeStack, FunctionResources

MEMORY_MB = 256  # lists versions and describes executions: no data passes through it
TIMEOUT_SECONDS = 300  # it stops starting work a minute before (functions/sweeper/handler.py)
ASYNC_MAX_RETRIES = 2
# A scheduled run that could not run within one schedule period is superseded by the next.
ASYNC_MAX_EVENT_AGE_SECONDS = 3600


def add_sweeper(stack: ComputeStack, bucket: Ref, state_machine: AWSHelperFn) -> FunctionResources:
    """The function with exactly the sweeper's grants, its async config and its schedule."""
    table_arn = stack.param(Param.TABLE_ARN)
    sweeper = stack._function(
        "Sweeper",
        handler=SWEEPER_HANDLER,
        code_key=stack.param(Param.SWEEPER_CODE_KEY),
        service=SWEEPER_SERVICE,
        environment={
            Env.STATE_MACHINE_ARN: state_machine,
            Env.BUCKET_NAME: bucket,
            Env.TABLE_NAME: stack.param(Param.TABLE_NAME),
            Env.SWEEP_AFTER_MINUTES: stack.param(Param.SWEEPER_THRESHOLD_MINUTES),
            Env.SWEEP_MAX_STARTS: stack.param(Param.SWEEPER_MAX_STARTS),
        },
        grants=[
            *policies.list_versions(bucket),
            *policies.describe_executions(stack.param(Param.STATE_MACHINE_NAME)),
            *policies.start_executions(state_machine),
            # The sequencer an earlier attempt of the version recorded (pipeline.md §7).
            *policies.query_items(table_arn),
            # Its dead-letter queue is encrypted with the key: sending encrypts with a data key.
            *policies.use_key(stack.param(Param.KEY_ARN)),
        ],
        dead_letter=True,
    )
    function = sweeper.function
    function.MemorySize = MEMORY_MB
    function.Timeout = TIMEOUT_SECONDS
    function.EphemeralStorage = lambda_.EphemeralStorage(Size=512)
    stack.template.add_resource(
        lambda_.EventInvokeConfig(
            "SweeperAsyncInvokeConfig",
            FunctionName=function.ref(),
            Qualifier="$LATEST",
            MaximumRetryAttempts=ASYNC_MAX_RETRIES,
            MaximumEventAgeInSeconds=ASYNC_MAX_EVENT_AGE_SECONDS,
        )
    )
    rule = stack.template.add_resource(
        events.Rule(
            "SweeperScheduleRule",
            Description="Starts the CSV ETL sweeper (docs/pipeline.md §9)",
            ScheduleExpression=stack.param(Param.SWEEPER_SCHEDULE),
            State="ENABLED",
            Targets=[events.Target(Arn=GetAtt(function, "Arn"), Id="Sweeper")],
            Tags=tags(),
        )
    )
    stack.template.add_resource(
        lambda_.Permission(
            "SweeperSchedulePermission",
            Action="lambda:InvokeFunction",
            FunctionName=function.ref(),
            Principal="events.amazonaws.com",
            SourceArn=GetAtt(rule, "Arn"),
        )
    )
    assert sweeper.queue is not None
    stack.output(Output.SWEEPER_DLQ_NAME, GetAtt(sweeper.queue, "QueueName"), "Sweeper DLQ")
    stack.output(Output.SWEEPER_DLQ_URL, sweeper.queue.ref(), "Sweeper DLQ URL")
    stack.output(Output.SWEEPER_FUNCTION_NAME, function.ref(), "Sweeper function name")
    stack.output(Output.SWEEPER_LOG_GROUP, sweeper.log_group.ref(), "Sweeper log group name")
    return sweeper
