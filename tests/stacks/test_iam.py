"""Least privilege: each role's exact (action, resource) pairs, every one accounted for.

The pairs are pinned in tests/stacks/permissions.py as what the e2e suite exercises plus
what it cannot (with a reason); the e2e suite checks the exercised half against the
emulator's IAM ledger. Resources are compared in canonical form (see helpers.canonical).
"""

from typing import Any

import pytest

from tests.stacks.helpers import canonical, of_type
from tests.stacks.permissions import EXERCISED, REVIEWED, Pair, Role

ROLES = sorted(EXERCISED)
TRUSTED = {
    "ValidationRole": "lambda.amazonaws.com",
    "TransformationRole": "lambda.amazonaws.com",
    "SweeperRole": "lambda.amazonaws.com",
    "StateMachineRole": "states.amazonaws.com",
}


def role_pairs(role: dict[str, Any]) -> set[Pair]:
    """Every (action, canonical resource) an IAM role resource's inline policies grant."""
    pairs = set()
    for policy in role["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            assert "NotAction" not in statement and "NotResource" not in statement
            assert "Condition" not in statement  # conditions would hide in the pair set
            for action in statement["Action"]:
                for resource in statement["Resource"]:
                    pairs.add((action, canonical(resource)))
    return pairs


def test_every_role_is_accounted_for(templates: dict[str, dict[str, Any]]) -> None:
    roles = {
        (name, logical_id)
        for name, template in templates.items()
        for logical_id in of_type(template, "AWS::IAM::Role")
    }
    assert roles == set(EXERCISED) == set(REVIEWED)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r[1])
def test_every_granted_pair_is_exercised_or_reviewed(
    templates: dict[str, dict[str, Any]], role: Role
) -> None:
    file, logical_id = role
    resource = templates[file]["Resources"][logical_id]
    exercised, reviewed = EXERCISED[role], set(REVIEWED[role])
    assert exercised.isdisjoint(reviewed)
    granted = role_pairs(resource)
    assert granted - exercised - reviewed == set(), "a new permission: exercise it, or review it"
    assert (exercised | reviewed) - granted == set(), "no longer granted: drop it from the lists"
    assert "ManagedPolicyArns" not in resource["Properties"]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r[1])
def test_every_reviewed_pair_says_why(role: Role) -> None:
    assert all(len(reason) > 40 for reason in REVIEWED[role].values())


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r[1])
def test_role_trusts_one_service_for_this_account_only(
    templates: dict[str, dict[str, Any]], role: Role
) -> None:
    file, logical_id = role
    trust = templates[file]["Resources"][logical_id]["Properties"]["AssumeRolePolicyDocument"]
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": [TRUSTED[logical_id]]}
    assert statement["Action"] == ["sts:AssumeRole"]
    assert canonical(statement["Condition"]["StringEquals"]["aws:SourceAccount"]) == (
        "${AWS::AccountId}"
    )


def test_versions_only_on_raw_the_bucket_is_versioned(templates: dict[str, dict[str, Any]]) -> None:
    # Every S3 event of a versioned bucket names a version: the unversioned object actions
    # on raw/ (s3:GetObject, s3:DeleteObject, s3:GetObjectTagging) are unreachable.
    for role in ROLES:
        file, logical_id = role
        for action, resource in role_pairs(templates[file]["Resources"][logical_id]):
            if resource.endswith("/raw/*"):
                assert "Version" in action, (logical_id, action)


def test_no_wildcard_action_and_wildcard_resource_only_for_xray_and_log_delivery() -> None:
    for role in ROLES:
        for action, resource in EXERCISED[role] | set(REVIEWED[role]):
            assert "*" not in action
            if resource == "*":
                assert action.startswith(("xray:", "logs:")), action


def test_arns_never_hard_code_the_partition(templates: dict[str, dict[str, Any]]) -> None:
    for name, text in ((n, str(t)) for n, t in templates.items()):
        assert "arn:aws:" not in text, name
