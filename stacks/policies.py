"""awacs policy building blocks: each returns the statements for one exact grant.

ARNs are built with ``Sub`` and ``${AWS::Partition}`` (never a hard-coded ``arn:aws``), and a
``*`` resource appears only where AWS offers no resource-level permission (commented there).
"""

from awacs import awslambda as lambda_
from awacs import dynamodb, kms, logs, s3, sns, sqs, states, sts, xray
from awacs.aws import (
    Allow,
    Bool,
    Condition,
    Deny,
    NumericLessThan,
    Policy,
    PolicyDocument,
    Principal,
    Statement,
    StringEquals,
)
from troposphere import AWSHelperFn, Sub

VERSION = "2012-10-17"


def bucket_arn(bucket_name: AWSHelperFn) -> Sub:
    """ARN of a bucket given its name."""
    return Sub("arn:${AWS::Partition}:s3:::${Name}", Name=bucket_name)


def objects_arn(bucket_name: AWSHelperFn, prefix: str) -> Sub:
    """ARN of every object under ``prefix`` in the bucket."""
    return Sub("arn:${AWS::Partition}:s3:::${Name}/" + prefix + "*", Name=bucket_name)


def state_machine_arn(name: AWSHelperFn) -> Sub:
    """ARN of a state machine in this account and region, from its name."""
    return Sub(
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${Name}",
        Name=name,
    )


def service_trust(service: str) -> Policy:
    """Trust policy letting one AWS service assume the role, only on behalf of this account."""
    return Policy(
        Version=VERSION,
        Statement=[
            Statement(
                Effect=Allow,
                Principal=Principal("Service", [service]),
                Action=[sts.AssumeRole],
                Condition=Condition(StringEquals("aws:SourceAccount", Sub("${AWS::AccountId}"))),
            )
        ],
    )


def read_versions(bucket_name: AWSHelperFn, prefix: str) -> list[Statement]:
    """Read (or HEAD, or copy from) exact versions of objects under a prefix.

    The data bucket is versioned, so every S3 event names a version and the functions read
    only that one: s3:GetObjectVersion, never s3:GetObject.
    """
    return [
        Statement(
            Effect=Allow,
            Action=[s3.GetObjectVersion],
            Resource=[objects_arn(bucket_name, prefix)],
        )
    ]


def copy_version_tags(bucket_name: AWSHelperFn, source: str, target: str) -> list[Statement]:
    """Copy an exact version's tags along with it (CopyObject's default COPY directive)."""
    return [
        Statement(
            Effect=Allow,
            Action=[s3.GetObjectVersionTagging],
            Resource=[objects_arn(bucket_name, source)],
        ),
        Statement(
            Effect=Allow,
            Action=[s3.PutObjectTagging],
            Resource=[objects_arn(bucket_name, target)],
        ),
    ]


def read_latest_objects(bucket_name: AWSHelperFn, prefix: str) -> list[Statement]:
    """Read (or HEAD) the current version of objects under a prefix."""
    return [
        Statement(Effect=Allow, Action=[s3.GetObject], Resource=[objects_arn(bucket_name, prefix)])
    ]


def write_objects(bucket_name: AWSHelperFn, prefix: str) -> list[Statement]:
    """Create objects under a prefix, multipart included (abort lets a failed upload clean up)."""
    return [
        Statement(
            Effect=Allow,
            Action=[s3.PutObject, s3.AbortMultipartUpload],
            Resource=[objects_arn(bucket_name, prefix)],
        )
    ]


def delete_versions(bucket_name: AWSHelperFn, prefix: str) -> list[Statement]:
    """Delete exact versions under a prefix (a newer upload of the same key stays)."""
    return [
        Statement(
            Effect=Allow,
            Action=[s3.DeleteObjectVersion],
            Resource=[objects_arn(bucket_name, prefix)],
        )
    ]


def put_objects(bucket_name: AWSHelperFn, prefix: str) -> list[Statement]:
    """Create objects under a prefix in single requests (CopyObject, PutObject; no multipart)."""
    return [
        Statement(Effect=Allow, Action=[s3.PutObject], Resource=[objects_arn(bucket_name, prefix)])
    ]


def list_bucket(bucket_name: AWSHelperFn) -> list[Statement]:
    """List the bucket's keys (names only, no content).

    HEAD of a missing object answers 404 only to a caller with s3:ListBucket, 403 otherwise;
    the functions tell "already moved" from "denied" by that status. A condition on s3:prefix
    would not help: HEAD requests carry no prefix.
    """
    return [Statement(Effect=Allow, Action=[s3.ListBucket], Resource=[bucket_arn(bucket_name)])]


def write_own_logs(log_group_arn: AWSHelperFn) -> list[Statement]:
    """Write log events to the role's own log group (the group ARN ends in ``:*``)."""
    return [
        Statement(
            Effect=Allow,
            Action=[logs.CreateLogStream, logs.PutLogEvents],
            Resource=[log_group_arn],
        )
    ]


def xray_write() -> list[Statement]:
    """Send X-Ray traces. X-Ray has no resource-level permissions, so AWS requires ``*``."""
    return [
        Statement(
            Effect=Allow,
            Action=[
                xray.PutTraceSegments,
                xray.PutTelemetryRecords,
                xray.GetSamplingRules,
                xray.GetSamplingTargets,
            ],
            Resource=["*"],
        )
    ]


def use_key(key_arn: AWSHelperFn) -> list[Statement]:
    """Encrypt to and decrypt from the KMS-encrypted topic and queues (data keys only)."""
    return [Statement(Effect=Allow, Action=[kms.Decrypt, kms.GenerateDataKey], Resource=[key_arn])]


def send_to_queue(queue_arn: AWSHelperFn) -> list[Statement]:
    """Send messages to one queue (the function's dead-letter queue)."""
    return [Statement(Effect=Allow, Action=[sqs.SendMessage], Resource=[queue_arn])]


def publish_to_topic(topic_arn: AWSHelperFn) -> list[Statement]:
    """Publish to one topic."""
    return [Statement(Effect=Allow, Action=[sns.Publish], Resource=[topic_arn])]


def start_executions(state_machine: AWSHelperFn) -> list[Statement]:
    """Start executions of one state machine."""
    return [Statement(Effect=Allow, Action=[states.StartExecution], Resource=[state_machine])]


def list_versions(bucket_name: AWSHelperFn) -> list[Statement]:
    """List the bucket's object versions (names, version ids, ages; no content).

    The sweeper passes ``Prefix=raw/``; a condition on ``s3:prefix`` would narrow the grant
    to that, but the emulator's IAM does not evaluate conditions (an Allow with one grants
    nothing there), so the grant is the bucket, as ``list_bucket`` is.
    """
    return [
        Statement(Effect=Allow, Action=[s3.ListBucketVersions], Resource=[bucket_arn(bucket_name)])
    ]


def describe_executions(state_machine_name: AWSHelperFn) -> list[Statement]:
    """Describe the executions of one state machine (execution ARNs are ``...:<name>:<id>``)."""
    arn = Sub(
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${Name}:*",
        Name=state_machine_name,
    )
    return [Statement(Effect=Allow, Action=[states.DescribeExecution], Resource=[arn])]


def query_items(table_arn: AWSHelperFn) -> list[Statement]:
    """Query one table by its partition key (the attempts of one file)."""
    return [Statement(Effect=Allow, Action=[dynamodb.Query], Resource=[table_arn])]


def invoke_functions(*function_arns: AWSHelperFn) -> list[Statement]:
    """Invoke exactly these functions (unqualified ARNs: the workflow invokes ``$LATEST``)."""
    return [Statement(Effect=Allow, Action=[lambda_.InvokeFunction], Resource=list(function_arns))]


def write_items(table_arn: AWSHelperFn) -> list[Statement]:
    """Put and update items of one table (the workflow's metadata records)."""
    return [
        Statement(
            Effect=Allow,
            Action=[dynamodb.PutItem, dynamodb.UpdateItem],
            Resource=[table_arn],
        )
    ]


def state_machine_log_delivery() -> list[Statement]:
    """Let Step Functions deliver execution logs to CloudWatch Logs.

    These are vended-log delivery APIs without resource-level permissions: AWS documents
    ``Resource: *`` for them (Step Functions "IAM policies for logging to CloudWatch Logs").
    """
    return [
        Statement(
            Effect=Allow,
            Action=[
                logs.CreateLogDelivery,
                logs.GetLogDelivery,
                logs.UpdateLogDelivery,
                logs.DeleteLogDelivery,
                logs.ListLogDeliveries,
                logs.PutResourcePolicy,
                logs.DescribeResourcePolicies,
                logs.DescribeLogGroups,
            ],
            Resource=["*"],
        )
    ]


def deny_insecure_s3(bucket_name: AWSHelperFn) -> list[Statement]:
    """Bucket policy: refuse any request on the bucket or its objects not made over TLS 1.2+."""
    resources = [bucket_arn(bucket_name), objects_arn(bucket_name, "")]
    return [
        Statement(
            Sid="DenyInsecureTransport",
            Effect=Deny,
            Principal=Principal("*"),
            Action=[s3.Action("*")],
            Resource=resources,
            Condition=Condition(Bool("aws:SecureTransport", "false")),
        ),
        Statement(
            Sid="DenyOutdatedTls",
            Effect=Deny,
            Principal=Principal("*"),
            Action=[s3.Action("*")],
            Resource=resources,
            Condition=Condition(NumericLessThan("s3:TlsVersion", "1.2")),
        ),
    ]


def deny_insecure_sns(topic_arn: AWSHelperFn) -> list[Statement]:
    """Topic policy: refuse publishing not made over TLS."""
    return [
        Statement(
            Sid="DenyInsecureTransport",
            Effect=Deny,
            Principal=Principal("*"),
            Action=[sns.Publish],
            Resource=[topic_arn],
            Condition=Condition(Bool("aws:SecureTransport", "false")),
        )
    ]


def document(*statement_lists: list[Statement]) -> PolicyDocument:
    """One policy document from several helpers' statements, in order."""
    return PolicyDocument(
        Version=VERSION, Statement=[s for group in statement_lists for s in group]
    )
