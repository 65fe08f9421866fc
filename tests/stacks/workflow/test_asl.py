"""The building blocks: payload fields from the contract, one state per name."""

import pytest

from contract.payloads import QuarantineRequest, TaskRequest, ValidateRequest
from stacks.workflow.asl import merge, task_request


def test_a_task_request_takes_each_field_from_the_input_or_as_given() -> None:
    assert task_request(ValidateRequest, action="validate") == {
        "action": "validate",
        **{f"{name}.$": f"$.{name}" for name in ("bucket", "key", "version_id")},
        "execution_arn.$": "$$.Execution.Id",
    }
    given = task_request(QuarantineRequest, action="quarantine", stage="$.s", error="$.e")
    assert given["stage.$"] == "$.s" and given["error.$"] == "$.e"
    assert given["action"] == "quarantine"


def test_a_task_request_refuses_a_field_it_cannot_fill() -> None:
    with pytest.raises(KeyError, match=r"QuarantineRequest\.stage needs a value"):
        task_request(QuarantineRequest, action="quarantine", error="$.e")


def test_a_task_request_fills_exactly_the_payload_fields() -> None:
    assert {name.removesuffix(".$") for name in task_request(TaskRequest)} == {
        "bucket",
        "key",
        "version_id",
        "execution_arn",
    }


def test_merge_keeps_every_state_and_refuses_one_built_twice() -> None:
    assert merge({"A": {"Type": "Pass"}}, {"B": {"Type": "Succeed"}}) == {
        "A": {"Type": "Pass"},
        "B": {"Type": "Succeed"},
    }
    with pytest.raises(ValueError, match=r"states built twice: \['A'\]"):
        merge({"A": {"Type": "Pass"}}, {"A": {"Type": "Succeed"}})
