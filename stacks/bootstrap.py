"""Bootstrap: the artifacts bucket that packaging uploads nested templates and code zips to."""

from troposphere import GetAtt, s3

from stacks import policies
from stacks.base import Stack, lint_metadata
from stacks.buckets import housekeeping_rule, private_bucket
from stacks.names import Output


class BootstrapStack(Stack):
    """Deployed once per account and region, before the pipeline (``make bootstrap``)."""

    file_name = "bootstrap.json"
    description = "CSV ETL pipeline bootstrap: versioned, encrypted, TLS-only artifacts bucket"

    def build(self) -> None:
        """The bucket, its TLS-only policy and its name output."""
        bucket = self.template.add_resource(
            # Deployed stacks reference these objects (layer and function code): retained.
            private_bucket(
                "ArtifactsBucket",
                [housekeeping_rule("expire-superseded-artifacts")],
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
        self.output(Output.ARTIFACTS_BUCKET_ARN, GetAtt(bucket, "Arn"), "Artifacts bucket ARN")
