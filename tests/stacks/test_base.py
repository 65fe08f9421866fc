"""What every stack shares: parameters declared once, lint suppressions with reasons, log groups."""

from typing import Any

from stacks.base import Stack, lint_metadata
from stacks.parameters import Param


class _Probe(Stack):
    """A stack that declares one parameter twice and one log group."""

    file_name = "probe.json"
    description = "probe"

    def build(self) -> None:
        self.first = self.param(Param.KEY_ARN)
        self.second = self.param(Param.KEY_ARN)
        self.log_group("Group", "/probe", self.first)


def _probe() -> tuple[_Probe, dict[str, Any]]:
    stack = _Probe()
    return stack, stack.to_dict()


def test_a_parameter_used_twice_is_declared_once_as_stacks_parameters_says() -> None:
    stack, template = _probe()
    assert stack.first.to_dict() == stack.second.to_dict() == {"Ref": "KeyArn"}
    assert set(template["Parameters"]) == {"KeyArn", "LogRetentionDays"}
    assert template["Parameters"]["KeyArn"] == {
        "Type": "String",
        "AllowedPattern": Param.KEY_ARN.pattern,
        "ConstraintDescription": "a KMS key ARN",
        "Description": "Customer-managed KMS key for topic, queues and log groups",
    }


def test_a_log_group_is_encrypted_retained_as_configured_and_deleted_with_the_stack() -> None:
    _, template = _probe()
    group = template["Resources"]["Group"]
    assert group["Properties"]["KmsKeyId"] == {"Ref": "KeyArn"}
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert group["DeletionPolicy"] == group["UpdateReplacePolicy"] == "Delete"


def test_lint_metadata_lists_each_suppression_with_its_reason() -> None:
    metadata = lint_metadata(
        cfn_lint={"W2": "second reason", "W1": "first reason"},
        checkov={"CKV_AWS_1": "why not"},
    )
    assert metadata == {
        "cfn-lint": {
            "config": {"ignore_checks": ["W1", "W2"]},
            "reasons": {"W1": "first reason", "W2": "second reason"},
        },
        "checkov": {"skip": [{"id": "CKV_AWS_1", "comment": "why not"}]},
    }
    assert lint_metadata() == {}


def test_json_is_sorted_indented_and_newline_terminated() -> None:
    stack, _ = _probe()
    text = stack.to_json()
    assert text.endswith("}\n")
    assert text.startswith('{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Description"')
