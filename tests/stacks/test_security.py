"""Cross-cutting requirements: encryption of every store, TLS-only policies, tags, retention."""

from typing import Any

import pytest
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

from contract.deployment import TAGS
from tests.stacks.helpers import canonical, of_type

Resources = list[tuple[str, str, dict[str, Any]]]


def _taggable(kind: str) -> bool:
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", kind).schema
    return "Tags" in schema.get("properties", {})


def _tags(resource: dict[str, Any]) -> dict[str, str]:
    tags = resource["Properties"].get("Tags", [])
    if isinstance(tags, dict):
        return tags
    return {t["Key"]: t["Value"] for t in tags}


def test_every_taggable_resource_carries_the_project_tags(resources: Resources) -> None:
    taggable = [(f, i, r) for f, i, r in resources if _taggable(r["Type"])]
    assert len(taggable) > 20  # the generic detection found the bulk of the resources
    for file, logical_id, resource in taggable:
        assert _tags(resource) == TAGS, f"{file}:{logical_id}"


def test_every_bucket_is_encrypted_versioned_private_and_tls_only(
    templates: dict[str, dict[str, Any]],
) -> None:
    buckets = 0
    for name, template in templates.items():
        policies = {
            canonical(p["Properties"]["Bucket"]): p["Properties"]["PolicyDocument"]
            for p in of_type(template, "AWS::S3::BucketPolicy").values()
        }
        for logical_id, bucket in of_type(template, "AWS::S3::Bucket").items():
            buckets += 1
            props = bucket["Properties"]
            (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
            assert props["VersioningConfiguration"]["Status"] == "Enabled"
            assert set(props["PublicAccessBlockConfiguration"].values()) == {True}
            assert len(props["PublicAccessBlockConfiguration"]) == 4
            policy = policies[canonical({"Ref": logical_id})]
            denies = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
            assert any(
                s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
                and s["Action"] == ["s3:*"]
                and s["Principal"] == "*"
                for s in denies
            ), f"{name}:{logical_id} lacks the TLS-only deny"
    assert buckets == 3  # data, access log, artifacts


def test_queues_topic_table_and_log_groups_are_encrypted(
    templates: dict[str, dict[str, Any]],
) -> None:
    counts = {"queues": 0, "topics": 0, "tables": 0, "log_groups": 0}
    for template in templates.values():
        for queue in of_type(template, "AWS::SQS::Queue").values():
            assert queue["Properties"]["KmsMasterKeyId"] == {"Ref": "KeyArn"}
            counts["queues"] += 1
        for topic in of_type(template, "AWS::SNS::Topic").values():
            assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": ["Key", "Arn"]}
            counts["topics"] += 1
        for table in of_type(template, "AWS::DynamoDB::Table").values():
            # SSE with the AWS-managed key: KMS type, no customer key id (docs/pipeline.md §2).
            assert table["Properties"]["SSESpecification"] == {
                "SSEEnabled": True,
                "SSEType": "KMS",
            }
            counts["tables"] += 1
        for group in of_type(template, "AWS::Logs::LogGroup").values():
            assert group["Properties"]["KmsKeyId"] == {"Ref": "KeyArn"}
            assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
            counts["log_groups"] += 1
    assert counts == {"queues": 2, "topics": 1, "tables": 1, "log_groups": 4}


# (DeletionPolicy, UpdateReplacePolicy). A data store is kept when an existing stack is
# deleted or replaces it, but not when the stack's first create fails: RetainExceptOnCreate
# rolls it back, so a retry of the first deploy does not collide with a leftover.
KEPT = ("RetainExceptOnCreate", "Retain")
STATEFUL_POLICIES = {
    "AWS::S3::Bucket": KEPT,
    # Deletion protection refuses CloudFormation's rollback too; its name is generated.
    "AWS::DynamoDB::Table": ("Retain", "Retain"),
    "AWS::KMS::Key": KEPT,
    "AWS::SQS::Queue": KEPT,
    "AWS::Logs::LogGroup": ("Delete", "Delete"),
    "AWS::CloudFormation::Stack": ("Delete", "Delete"),
}


@pytest.mark.parametrize(("kind", "policies"), sorted(STATEFUL_POLICIES.items()))
def test_stateful_resources_have_explicit_deletion_policies(
    resources: Resources, kind: str, policies: tuple[str, str]
) -> None:
    matching = [(f, i, r) for f, i, r in resources if r["Type"] == kind]
    assert matching
    for file, logical_id, resource in matching:
        assert resource.get("DeletionPolicy") == policies[0], f"{file}:{logical_id}"
        assert resource.get("UpdateReplacePolicy") == policies[1], f"{file}:{logical_id}"


def test_every_lint_suppression_carries_a_reason(resources: Resources) -> None:
    for file, logical_id, resource in resources:
        metadata = resource.get("Metadata", {})
        for skip in metadata.get("checkov", {}).get("skip", []):
            assert skip["id"].startswith("CKV_") and len(skip["comment"]) > 20, logical_id
        cfn_lint = metadata.get("cfn-lint", {})
        ignored = cfn_lint.get("config", {}).get("ignore_checks", [])
        assert set(ignored) == set(cfn_lint.get("reasons", {})), f"{file}:{logical_id}"
