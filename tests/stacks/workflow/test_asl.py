"""The building blocks: payload fields from the contract, retry budgets, one state per name."""

import pytest

from contract.payloads import TaskRequest, ValidateRequest
from stacks.workflow.asl import SERVICE_RETRY_ATTEMPTS, merge, retry, task_request


def test_a_task_request_takes_each_field_from_the_input_or_as_given() -> None:
    assert task_request(ValidateRequest, action="validate") == {
        "action": "validate",
        **{f"{name}.$": f"$.{name}" for name in ("bucket", "key", "version_id", "sequencer")},
        "execution_arn.$": "$$.Execution.Id",
    }
    assert task_request(ValidateRequest, action="$.a")["action.$"] == "$.a"


def test_a_task_request_refuses_a_field_it_cannot_fill() -> None:
    with pytest.raises(KeyError, match=r"ValidateRequest\.action needs a value"):
        task_request(ValidateRequest)


def test_a_task_request_fills_exactly_the_payload_fields() -> None:
    assert {name.removesuffix(".$") for name in task_request(TaskRequest)} == {
        "bucket",
        "key",
        "version_id",
        "sequencer",
        "execution_arn",
    }


def test_service_tasks_ride_out_minutes_of_throttling() -> None:
    (retrier,) = retry(lambda_task=False)
    assert retrier["MaxAttempts"] == SERVICE_RETRY_ATTEMPTS == 10
    waits = [
        min(retrier["IntervalSeconds"] * retrier["BackoffRate"] ** n, retrier["MaxDelaySeconds"])
        for n in range(retrier["MaxAttempts"])
    ]
    assert sum(waits) == 362  # at most 6 min 2 s; full jitter makes it about half on average


def test_merge_keeps_every_state_and_refuses_one_built_twice() -> None:
    assert merge({"A": {"Type": "Pass"}}, {"B": {"Type": "Succeed"}}) == {
        "A": {"Type": "Pass"},
        "B": {"Type": "Succeed"},
    }
    with pytest.raises(ValueError, match=r"states built twice: \['A'\]"):
        merge({"A": {"Type": "Pass"}}, {"A": {"Type": "Succeed"}})
