"""The bootstrap stack: the artifacts bucket packaging uploads to, and what it outputs."""

from typing import Any

from tests.stacks.helpers import of_type


def test_one_retained_artifacts_bucket_named_in_the_outputs(
    templates: dict[str, dict[str, Any]],
) -> None:
    bootstrap = templates["bootstrap.json"]
    (bucket,) = of_type(bootstrap, "AWS::S3::Bucket")
    # tools/package.py finds the bucket by this output.
    assert bootstrap["Outputs"]["ArtifactsBucketName"]["Value"] == {"Ref": bucket}
    assert bootstrap["Outputs"]["ArtifactsBucketArn"]["Value"] == {"Fn::GetAtt": [bucket, "Arn"]}
    assert "Parameters" not in bootstrap


def test_superseded_artifacts_expire(templates: dict[str, dict[str, Any]]) -> None:
    bucket = templates["bootstrap.json"]["Resources"]["ArtifactsBucket"]["Properties"]
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
