"""Compute: the polars layer, the validation, transformation and sweeper functions, roles, DLQs."""

from dataclasses import dataclass

from awacs.aws import Statement
from troposphere import (
    AWSHelperFn,
    Equals,
    FindInMap,
    GetAtt,
    If,
    Not,
    NoValue,
    Ref,
    Sub,
    iam,
    logs,
    sqs,
)
from troposphere import awslambda as lambda_

from contract.deployment import (
    TRANSFORMATION_HANDLER,
    TRANSFORMATION_SERVICE,
    VALIDATION_HANDLER,
    VALIDATION_SERVICE,
)
from contract.environment import METRICS_NAMESPACE, Env
from contract.keys import FAILED_PREFIX, PROCESSED_PREFIX, RAW_PREFIX, STAGING_PREFIX
from stacks import policies, sweeper
from stacks.base import JsonLoggingConfig, Stack, lint_metadata, tags
from stacks.names import Output
from stacks.parameters import Param

HAS_RESERVED_CONCURRENCY = "HasReservedConcurrency"

# Every function and the layer: the layer is built from aarch64 wheels for this runtime only.
RUNTIME = "python3.13"
ARCHITECTURE = "arm64"

MEMORY_MB = 2048  # polars streams, so memory stays bounded for files far larger than this
TIMEOUT_SECONDS = 900  # the Lambda maximum: validating a large file is one long scan
# Handlers stream the object to /tmp and transform it there (source + output + rejected rows,
# about 2.5x the file), so /tmp gets the maximum; the default 512 MB would cap files near 200 MB.
EPHEMERAL_STORAGE_MB = 10240
DLQ_RETENTION_SECONDS = 14 * 24 * 3600  # the SQS maximum, time to inspect and redrive
ASYNC_MAX_RETRIES = 2  # S3 invokes asynchronously: two retries, then the DLQ
ASYNC_MAX_EVENT_AGE_SECONDS = 6 * 3600
# With JSON logs Lambda's ApplicationLogLevel outranks Powertools': it follows LogLevel.
LOG_LEVELS = "LambdaLogLevels"
APPLICATION_LOG_LEVEL = {"DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "WARN", "ERROR": "ERROR"}
SYSTEM_LOG_LEVEL = "INFO"  # keeps the platform's START, END and REPORT (duration, memory)

_LAMBDA_SKIPS = {
    "CKV_AWS_117": "Calls only AWS APIs over TLS; no VPC resources to reach, and a VPC would "
    "add NAT/endpoint cost without reducing exposure",
}
_SYNCHRONOUS_SKIPS = {
    "CKV_AWS_116": "Invoked only synchronously by Step Functions, whose Retry and Catch handle "
    "its failures: Lambda never sends a synchronous invocation to a dead-letter queue",
}


@dataclass(frozen=True)
class FunctionResources:
    """What other stacks need from one function."""

    function: lambda_.Function
    queue: sqs.Queue | None
    log_group: logs.LogGroup


class ComputeStack(Stack):
    """The functions share the layer, key, tracing and JSON logging; each has its own role."""

    file_name = "compute.json"
    description = "CSV ETL pipeline: validation and transformation functions, layer, roles, DLQs"

    def build(self) -> None:
        """Layer, then each function with its queue, log group, role and outputs."""
        for name in (Param.PROJECT_NAME, Param.STAGE):  # used inside Sub strings
            self.param(name)
        concurrency = self.param(Param.RESERVED_CONCURRENCY)
        self.template.add_condition(HAS_RESERVED_CONCURRENCY, Not(Equals(concurrency, "0")))
        self.template.add_mapping(
            LOG_LEVELS,
            {level: {"Application": app} for level, app in APPLICATION_LOG_LEVEL.items()},
        )
        self.layer = self._layer()
        bucket = self.param(Param.BUCKET_NAME)
        state_machine = policies.state_machine_arn(self.param(Param.STATE_MACHINE_NAME))
        validation = self._function(
            "Validation",
            handler=VALIDATION_HANDLER,
            code_key=self.param(Param.VALIDATION_CODE_KEY),
            service=VALIDATION_SERVICE,
            environment={  # the core's rules: the one function that runs the core
                Env.STATE_MACHINE_ARN: state_machine,
                Env.MAX_INVALID_ROW_RATIO: self.param(Param.MAX_INVALID_ROW_RATIO),
                Env.SOURCE_TIMEZONE: self.param(Param.SOURCE_TIMEZONE),
            },
            grants=[
                *policies.list_bucket(bucket),
                *policies.read_versions(bucket, RAW_PREFIX),
                *policies.write_objects(bucket, FAILED_PREFIX),
                # A tagged file keeps its tags in failed/ (CopyObject copies them by default).
                *policies.copy_version_tags(bucket, RAW_PREFIX, FAILED_PREFIX),
                # A retry after an invalid file was moved answers from failed/<path>.error.json.
                *policies.read_latest_objects(bucket, FAILED_PREFIX),
                *policies.delete_versions(bucket, RAW_PREFIX),
                *policies.write_objects(bucket, STAGING_PREFIX),  # the output (pipeline.md §1.1)
                *policies.start_executions(state_machine),
                # Its dead-letter queue is encrypted with the key: sending encrypts with a data key.
                *policies.use_key(self.param(Param.KEY_ARN)),
            ],
            dead_letter=True,
        )
        self._async_invoke_config(validation)
        self._outputs(
            validation,
            "Validation",
            Output.VALIDATION_FUNCTION_ARN,
            Output.VALIDATION_FUNCTION_NAME,
            Output.VALIDATION_LOG_GROUP,
        )
        transformation = self._function(
            "Transformation",
            handler=TRANSFORMATION_HANDLER,
            code_key=self.param(Param.TRANSFORMATION_CODE_KEY),
            service=TRANSFORMATION_SERVICE,
            environment={},
            grants=[
                *policies.list_bucket(bucket),
                # Never raw/: HEAD, copy, delete the staged output (pipeline.md §1.1).
                *policies.read_latest_objects(bucket, STAGING_PREFIX),
                *policies.read_versions(bucket, STAGING_PREFIX),
                *policies.delete_versions(bucket, STAGING_PREFIX),
                *policies.write_objects(bucket, PROCESSED_PREFIX),
                # A retry after success finds processed/<path> and returns without rewriting.
                *policies.read_latest_objects(bucket, PROCESSED_PREFIX),
                *policies.delete_versions(bucket, RAW_PREFIX),
            ],
            # Step Functions invokes it synchronously: a failure is the task's error (Retry,
            # then Catch), and a dead-letter queue would never receive anything.
            dead_letter=False,
        )
        self._outputs(
            transformation,
            "Transformation",
            Output.TRANSFORMATION_FUNCTION_ARN,
            Output.TRANSFORMATION_FUNCTION_NAME,
            Output.TRANSFORMATION_LOG_GROUP,
        )
        sweeper.add_sweeper(self, bucket, state_machine)

    def _layer(self) -> lambda_.LayerVersion:
        layer = self.template.add_resource(
            lambda_.LayerVersion(
                "DependenciesLayer",
                Description="polars and Powertools for the CSV ETL functions",
                Content=lambda_.Content(
                    S3Bucket=self.param(Param.ARTIFACTS_BUCKET),
                    S3Key=self.param(Param.LAYER_CODE_KEY),
                ),
                CompatibleRuntimes=[RUNTIME],
                CompatibleArchitectures=[ARCHITECTURE],
            )
        )
        self.output(Output.LAYER_VERSION_ARN, layer.ref(), "Dependencies layer version ARN")
        return layer

    def _function(
        self,
        title: str,
        *,
        handler: str,
        code_key: Ref,
        service: str,
        environment: dict[str, AWSHelperFn | str],
        grants: list[Statement],
        dead_letter: bool,
    ) -> FunctionResources:
        """One function, its encrypted log group, a role holding exactly ``grants`` and, when
        invoked asynchronously (``dead_letter``), its DLQ and the right to send to it."""
        key_arn = self.param(Param.KEY_ARN)
        function_name = Sub("${ProjectName}-${Stage}-" + service)
        queue = self._dead_letter_queue(title, key_arn) if dead_letter else None
        if queue is not None:
            grants = [*grants, *policies.send_to_queue(GetAtt(queue, "Arn"))]
        log_group = self.log_group(
            f"{title}LogGroup", Sub("/aws/lambda/${ProjectName}-${Stage}-" + service), key_arn
        )
        role = self._role(title, service, grants, log_group)
        function = self.template.add_resource(
            lambda_.Function(
                f"{title}Function",
                FunctionName=function_name,
                Description=f"CSV ETL {service}",
                Handler=handler,
                Runtime=RUNTIME,
                Architectures=[ARCHITECTURE],
                Code=lambda_.Code(S3Bucket=self.param(Param.ARTIFACTS_BUCKET), S3Key=code_key),
                Layers=[self.layer.ref()],
                Role=GetAtt(role, "Arn"),
                MemorySize=MEMORY_MB,
                Timeout=TIMEOUT_SECONDS,
                EphemeralStorage=lambda_.EphemeralStorage(Size=EPHEMERAL_STORAGE_MB),
                ReservedConcurrentExecutions=If(
                    HAS_RESERVED_CONCURRENCY, self.param(Param.RESERVED_CONCURRENCY), NoValue
                ),
                TracingConfig=lambda_.TracingConfig(Mode="Active"),
                DeadLetterConfig=(
                    lambda_.DeadLetterConfig(TargetArn=GetAtt(queue, "Arn")) if queue else NoValue
                ),
                KmsKeyArn=key_arn,
                LoggingConfig=JsonLoggingConfig(
                    LogFormat="JSON",
                    LogGroup=log_group.ref(),
                    ApplicationLogLevel=FindInMap(
                        LOG_LEVELS, self.param(Param.LOG_LEVEL), "Application"
                    ),
                    SystemLogLevel=SYSTEM_LOG_LEVEL,
                ),
                Environment=lambda_.Environment(
                    Variables={
                        **environment,
                        Env.POWERTOOLS_SERVICE_NAME: service,
                        Env.POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
                        Env.POWERTOOLS_LOG_LEVEL: self.param(Param.LOG_LEVEL),
                    }
                ),
                Tags=tags(),
                Metadata=lint_metadata(
                    checkov=_LAMBDA_SKIPS if queue else {**_LAMBDA_SKIPS, **_SYNCHRONOUS_SKIPS}
                ),
            )
        )
        return FunctionResources(function=function, queue=queue, log_group=log_group)

    def _dead_letter_queue(self, title: str, key_arn: Ref) -> sqs.Queue:
        """Where events go that the function could not process, encrypted and kept 14 days."""
        return self.template.add_resource(
            sqs.Queue(
                f"{title}DeadLetterQueue",
                KmsMasterKeyId=key_arn,
                KmsDataKeyReusePeriodSeconds=300,
                MessageRetentionPeriod=DLQ_RETENTION_SECONDS,
                Tags=tags(),
                # Undelivered events outlive a redeploy or delete; a failed create held none.
                DeletionPolicy="RetainExceptOnCreate",
                UpdateReplacePolicy="Retain",
            )
        )

    def _role(
        self, title: str, service: str, grants: list[Statement], log_group: logs.LogGroup
    ) -> iam.Role:
        """``grants``, plus what every function needs: its own logs and X-Ray."""
        return self.template.add_resource(
            iam.Role(
                f"{title}Role",
                Description=Sub("${ProjectName}-${Stage} " + service + " function"),
                AssumeRolePolicyDocument=policies.service_trust("lambda.amazonaws.com"),
                Policies=[
                    iam.Policy(
                        PolicyName=f"{service}-least-privilege",
                        PolicyDocument=policies.document(
                            grants,
                            policies.write_own_logs(GetAtt(log_group, "Arn")),
                            policies.xray_write(),
                        ),
                    )
                ],
                Tags=tags(),
            )
        )

    def _async_invoke_config(self, resources: FunctionResources) -> None:
        """S3's asynchronous invocations: bounded retries and age, then the DLQ, its only
        failure mechanism: a DLQ message is the event itself, which `make redrive` replays as
        is (an on-failure destination would wrap it in an invocation record instead)."""
        self.template.add_resource(
            lambda_.EventInvokeConfig(
                "ValidationAsyncInvokeConfig",
                FunctionName=resources.function.ref(),
                Qualifier="$LATEST",
                MaximumRetryAttempts=ASYNC_MAX_RETRIES,
                MaximumEventAgeInSeconds=ASYNC_MAX_EVENT_AGE_SECONDS,
            )
        )
        if (queue := resources.queue) is not None:
            self.output(Output.VALIDATION_DLQ_NAME, GetAtt(queue, "QueueName"), "Validation DLQ")
            self.output(Output.VALIDATION_DLQ_URL, queue.ref(), "Validation DLQ URL")

    def _outputs(
        self, resources: FunctionResources, title: str, arn: str, name: str, log_group: str
    ) -> None:
        self.output(arn, GetAtt(resources.function, "Arn"), f"{title} function ARN")
        self.output(name, resources.function.ref(), f"{title} function name")
        self.output(log_group, resources.log_group.ref(), f"{title} log group name")
