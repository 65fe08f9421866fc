"""The e2e suite's IAM checks: no denial in any test, and every permission accounted for.

Every call a function or the state machine makes is authorized against its role by the
emulator, which records the statement that allowed it (tools/emulator/iam/ledger.py). A test
during which a denial happened fails (conftest.py); the last test of the suite maps the
statements that allowed something back to the templates' (action, resource) pairs and
compares them with tests/stacks/permissions.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.stacks.helpers import canonical
from tests.stacks.permissions import Pair, Role
from tools.emulator.iam import Entry
from tools.emulator.iam.policy import Grant

E2E = Path(__file__).parent
#: The test that compares what the suite exercised with the pinned pairs: it runs last.
ACCOUNTING_TEST = "test_every_permission_the_roles_hold_is_exercised_or_reviewed"
#: Whether this session runs the whole suite (set at collection by conftest.py).
WHOLE_SUITE = pytest.StashKey[bool]()


def denial_report(denials: list[Entry]) -> str:
    """The denials as the failure message of the test during which they happened."""
    lines = [f"  {d.describe()}" for d in denials]
    return "IAM denied calls during this test (a role lacks a permission):\n" + "\n".join(lines)


def run_accounting_last(items: list[pytest.Item]) -> None:
    """Move the accounting test to the end of the session (it needs every other test's calls)."""
    last = [i for i in items if i.name == ACCOUNTING_TEST]
    items[:] = [i for i in items if i.name != ACCOUNTING_TEST] + last


def whole_suite(config: pytest.Config, items: Iterable[pytest.Item]) -> bool:
    """Whether the session runs every e2e test (only then is the exercised set complete)."""
    options = ("keyword", "markexpr", "lf", "deselect")
    narrowed = any("::" in str(arg) for arg in config.args) or any(
        config.getoption(name, default=None) for name in options
    )
    collected = {Path(str(i.path)) for i in items}
    return not narrowed and set(E2E.glob("test_*.py")) <= collected


def role_templates(stack_name: str) -> dict[str, Role]:
    """Role ARN -> (template file, logical id), from the deployed stack and its nested stacks."""
    cfn, iam = boto3.client("cloudformation"), boto3.client("iam")
    found: dict[str, Role] = {}
    for nested in cfn.list_stack_resources(StackName=stack_name)["StackResourceSummaries"]:
        if nested["ResourceType"] != "AWS::CloudFormation::Stack":
            continue
        child = cfn.list_stack_resources(StackName=nested["PhysicalResourceId"])
        for resource in child["StackResourceSummaries"]:
            if resource["ResourceType"] == "AWS::IAM::Role":
                arn = iam.get_role(RoleName=resource["PhysicalResourceId"])["Role"]["Arn"]
                found[arn] = (
                    f"{nested['LogicalResourceId'].lower()}.json",
                    resource["LogicalResourceId"],
                )
    return found


def _template_pair(templates: dict[str, dict[str, Any]], role: Role, grant: Grant) -> Pair:
    """The template's (action, canonical resource) of the statement element that granted."""
    file, logical_id = role
    (policy,) = [
        p
        for p in templates[file]["Resources"][logical_id]["Properties"]["Policies"]
        if p["PolicyName"] == grant.policy
    ]
    statement = policy["PolicyDocument"]["Statement"][grant.statement]
    return grant.action, canonical(statement["Resource"][grant.resource_index])


def exercised_pairs(
    grants: Iterable[tuple[str, Grant]],
    roles: dict[str, Role],
    templates: dict[str, dict[str, Any]],
) -> dict[Role, set[Pair]]:
    """Per role, the template pairs whose statements allowed at least one call."""
    pairs: dict[Role, set[Pair]] = {role: set() for role in roles.values()}
    for role_arn, grant in grants:
        if role_arn in roles:
            role = roles[role_arn]
            pairs[role].add(_template_pair(templates, role, grant))
    return pairs
