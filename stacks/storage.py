"""Storage: the data bucket (raw/, staging/, processed/, failed/), its access-log bucket and the S3 trigger."""

from awacs import s3 as s3_actions
from awacs.aws import Allow, ArnLike, Condition, Principal, Statement, StringEquals
from troposphere import GetAtt, Sub, s3
from troposphere import awslambda as lambda_

from contract.keys import CSV_SUFFIX, PROCESSED_PREFIX, RAW_PREFIX, STAGING_PREFIX
from stacks import policies
from stacks.base import Stack, lint_metadata
from stacks.buckets import housekeeping_rule, private_bucket
from stacks.names import Output
from stacks.parameters import Param

GLACIER_AFTER_DAYS = 90
# S3 does not transition objects under 128 KB by default; an explicit size filter overrides
# that default, so every non-empty processed CSV moves to Glacier.
TRANSITION_MIN_OBJECT_BYTES = "0"
ACCESS_LOG_DAYS = 365
# A staged output lives minutes (Validate to Transform); one a failed execution left behind
# (the failure path quarantines raw/, not staging/) and every older version of one expire
# after a day, so nothing accumulates (pipeline.md §1).
STAGING_DAYS = 1
ACCESS_LOG_PREFIX = "data-bucket/"


class StorageStack(Stack):
    """Versioned SSE-S3 bucket, TLS-only, access-logged, lifecycle-managed, triggering validation."""

    file_name = "storage.json"
    description = "CSV ETL pipeline: data bucket, access-log bucket and the S3 event trigger"

    def build(self) -> None:
        """Log bucket, invoke permission, data bucket (depends on the permission), policies."""
        self.bucket_name = self.param(Param.BUCKET_NAME)
        self.function_arn = self.param(Param.VALIDATION_FUNCTION_ARN)
        log_bucket = self._log_bucket()
        permission = self.template.add_resource(
            lambda_.Permission(
                "S3InvokeValidationPermission",
                Action="lambda:InvokeFunction",
                FunctionName=self.function_arn,
                Principal="s3.amazonaws.com",
                SourceArn=policies.bucket_arn(self.bucket_name),
                SourceAccount=Sub("${AWS::AccountId}"),
            )
        )
        bucket = self.template.add_resource(
            private_bucket(
                "DataBucket",
                [
                    s3.LifecycleRule(
                        Id="processed-to-glacier",
                        Status="Enabled",
                        Prefix=PROCESSED_PREFIX,
                        ObjectSizeGreaterThan=TRANSITION_MIN_OBJECT_BYTES,
                        Transitions=[
                            s3.LifecycleRuleTransition(
                                StorageClass="GLACIER", TransitionInDays=GLACIER_AFTER_DAYS
                            )
                        ],
                    ),
                    s3.LifecycleRule(
                        Id="expire-staging",
                        Status="Enabled",
                        Prefix=STAGING_PREFIX,
                        ExpirationInDays=STAGING_DAYS,
                        NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(
                            NoncurrentDays=STAGING_DAYS
                        ),
                        AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(
                            DaysAfterInitiation=STAGING_DAYS
                        ),
                    ),
                    housekeeping_rule("expire-noncurrent-versions", ExpiredObjectDeleteMarker=True),
                ],
                DependsOn=[permission.title],
                BucketName=self.bucket_name,
                LoggingConfiguration=s3.LoggingConfiguration(
                    DestinationBucketName=log_bucket.ref(), LogFilePrefix=ACCESS_LOG_PREFIX
                ),
                NotificationConfiguration=s3.NotificationConfiguration(
                    LambdaConfigurations=[
                        s3.LambdaConfigurations(
                            Event="s3:ObjectCreated:*",
                            Function=self.function_arn,
                            Filter=s3.Filter(
                                S3Key=s3.S3Key(
                                    Rules=[
                                        s3.Rules(Name="prefix", Value=RAW_PREFIX),
                                        s3.Rules(Name="suffix", Value=CSV_SUFFIX),
                                    ]
                                )
                            ),
                        )
                    ]
                ),
            )
        )
        self.template.add_resource(
            s3.BucketPolicy(
                "DataBucketPolicy",
                Bucket=bucket.ref(),
                PolicyDocument=policies.document(policies.deny_insecure_s3(self.bucket_name)),
            )
        )
        self.output(Output.BUCKET_NAME, bucket.ref(), "Data bucket name")
        self.output(Output.BUCKET_ARN, GetAtt(bucket, "Arn"), "Data bucket ARN")

    def _log_bucket(self) -> s3.Bucket:
        """Server access logs of the data bucket, delivered by the S3 logging service."""
        bucket = self.template.add_resource(
            private_bucket(
                "AccessLogBucket",
                [housekeeping_rule("expire-access-logs", ExpirationInDays=ACCESS_LOG_DAYS)],
                Metadata=lint_metadata(
                    checkov={
                        "CKV_AWS_18": "This is the access-log bucket; logging it would log itself",
                    }
                ),
            )
        )
        log_bucket_name = bucket.ref()
        self.template.add_resource(
            s3.BucketPolicy(
                "AccessLogBucketPolicy",
                Bucket=log_bucket_name,
                PolicyDocument=policies.document(
                    [
                        Statement(
                            Sid="AllowS3ServerAccessLogDelivery",
                            Effect=Allow,
                            Principal=Principal("Service", ["logging.s3.amazonaws.com"]),
                            Action=[s3_actions.PutObject],
                            Resource=[policies.objects_arn(log_bucket_name, ACCESS_LOG_PREFIX)],
                            Condition=Condition(
                                [
                                    ArnLike("aws:SourceArn", policies.bucket_arn(self.bucket_name)),
                                    StringEquals("aws:SourceAccount", Sub("${AWS::AccountId}")),
                                ]
                            ),
                        )
                    ],
                    policies.deny_insecure_s3(log_bucket_name),
                ),
            )
        )
        self.output(Output.ACCESS_LOG_BUCKET_NAME, log_bucket_name, "Access-log bucket name")
        return bucket
