"""Bootstrap: the artifacts bucket that packaging uploads nested templates and code zips to."""

from troposphere import GetAtt, s3

from stacks import policies
from stacks.base import Stack, lint_metadata, tags
from stacks.names import Output
from stacks.storage import (
    ABORT_MULTIPART_DAYS,
    NONCURRENT_VERSION_DAYS,
    public_access_block,
    sse_s3,
)


class BootstrapStack(Stack):
    """Deployed once per account and region, before the pipeline (``make bootstrap``)."""

    file_name = "bootstrap.json"
    description = "CSV ETL pipeline bootstrap: versioned, encrypted, TLS-only artifacts bucket"

    def build(self) -> None:
        """The bucket, its TLS-only policy and its name output."""
        bucket = self.template.add_resource(
            s3.Bucket(
                "ArtifactsBucket",
                BucketEncryption=sse_s3(),
                VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
                PublicAccessBlockConfiguration=public_access_block(),
                OwnershipControls=s3.OwnershipControls(
                    Rules=[s3.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]
                ),
                LifecycleConfiguration=s3.LifecycleConfiguration(
                    Rules=[
                        s3.LifecycleRule(
                            Id="expire-superseded-artifacts",
                            Status="Enabled",
                            NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(
                                NoncurrentDays=NONCURRENT_VERSION_DAYS
                            ),
                            AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(
                                DaysAfterInitiation=ABORT_MULTIPART_DAYS
                            ),
                        )
                    ]
                ),
                Tags=tags(),
                # Deployed stacks reference these objects (layer and function code).
                DeletionPolicy="Retain",
                UpdateReplacePolicy="Retain",
                Metadata=lint_metadata(
                    checkov={
                        "CKV_AWS_18": "Holds only content-addressed build outputs reproducible "
                        "from the repository; CloudTrail records who changed them",
                    }
                ),
            )
        )
        self.template.add_resource(
            s3.BucketPolicy(
                "ArtifactsBucketPolicy",
                Bucket=bucket.ref(),
                PolicyDocument=policies.document(policies.deny_insecure_s3(bucket.ref())),
            )
        )
        self.output(Output.ARTIFACTS_BUCKET_NAME, bucket.ref(), "Artifacts bucket name")
        self.output("ArtifactsBucketArn", GetAtt(bucket, "Arn"), "Artifacts bucket ARN")
