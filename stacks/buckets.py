"""The private bucket every stack here starts from: SSE-S3, versioned, never public, retained."""

from typing import Any

from troposphere import s3

from stacks.base import tags

NONCURRENT_VERSION_DAYS = 30
ABORT_MULTIPART_DAYS = 7


def public_access_block() -> s3.PublicAccessBlockConfiguration:
    """All four public-access blocks on."""
    return s3.PublicAccessBlockConfiguration(
        BlockPublicAcls=True,
        BlockPublicPolicy=True,
        IgnorePublicAcls=True,
        RestrictPublicBuckets=True,
    )


def sse_s3() -> s3.BucketEncryption:
    """Default encryption with S3-managed keys (SSE-S3)."""
    return s3.BucketEncryption(
        ServerSideEncryptionConfiguration=[
            s3.ServerSideEncryptionRule(
                ServerSideEncryptionByDefault=s3.ServerSideEncryptionByDefault(
                    SSEAlgorithm="AES256"
                )
            )
        ]
    )


def housekeeping_rule(rule_id: str, **extra: Any) -> s3.LifecycleRule:
    """Expire superseded versions and abandoned multipart uploads (plus any `extra` action)."""
    return s3.LifecycleRule(
        Id=rule_id,
        Status="Enabled",
        NoncurrentVersionExpiration=s3.NoncurrentVersionExpiration(
            NoncurrentDays=NONCURRENT_VERSION_DAYS
        ),
        AbortIncompleteMultipartUpload=s3.AbortIncompleteMultipartUpload(
            DaysAfterInitiation=ABORT_MULTIPART_DAYS
        ),
        **extra,
    )


def private_bucket(title: str, rules: list[s3.LifecycleRule], **properties: Any) -> s3.Bucket:
    """SSE-S3, versioning, public access blocked, bucket-owner objects, tagged, retained.

    Every bucket here holds something a deployment or an audit needs after the stack is gone
    (data, access logs, the code deployed stacks point to), hence Retain on delete and replace;
    RetainExceptOnCreate on delete lets a failed first create roll its buckets back, so a
    retry does not collide with a leftover (the data bucket's name is fixed).
    """
    return s3.Bucket(
        title,
        BucketEncryption=sse_s3(),
        VersioningConfiguration=s3.VersioningConfiguration(Status="Enabled"),
        PublicAccessBlockConfiguration=public_access_block(),
        OwnershipControls=s3.OwnershipControls(
            Rules=[s3.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]
        ),
        LifecycleConfiguration=s3.LifecycleConfiguration(Rules=rules),
        Tags=tags(),
        DeletionPolicy="RetainExceptOnCreate",
        UpdateReplacePolicy="Retain",
        **properties,
    )
