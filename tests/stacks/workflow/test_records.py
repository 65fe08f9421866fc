"""The metadata item: one per execution, put as PROCESSING, updated with each outcome."""

import re
from typing import Any

import pytest

KEY = {"file_name": {"S.$": "$.key"}, "process_start_time": {"S.$": "$$.Execution.StartTime"}}
UPDATES = {"RecordSuccess": "SUCCEEDED", "RecordInvalid": "FAILED", "RecordFailure": "FAILED"}


def test_the_start_puts_a_processing_item_per_execution(
    states: dict[str, dict[str, Any]],
) -> None:
    params = states["RecordStart"]["Parameters"]
    assert params["TableName"] == "${TableName}"
    assert params["Item"] == {
        **KEY,
        "status": {"S": "PROCESSING"},
        "bucket": {"S.$": "$.bucket"},
        "version_id": {"S.$": "$.version_id"},
        "etag": {"S.$": "$.etag"},
        "execution_arn": {"S.$": "$$.Execution.Id"},
    }


@pytest.mark.parametrize(("state", "status"), sorted(UPDATES.items()))
def test_each_outcome_updates_the_item_of_this_execution(
    states: dict[str, dict[str, Any]], state: str, status: str
) -> None:
    params = states[state]["Parameters"]
    assert params["TableName"] == "${TableName}"
    assert params["Key"] == KEY
    assert params["ExpressionAttributeNames"] == {"#status": "status"}
    values = params["ExpressionAttributeValues"]
    assert values[":status"] == {"S": status}
    assert values[":end"] == {"S.$": "$$.State.EnteredTime"}
    expression = params["UpdateExpression"]
    assert expression.startswith("SET #status = :status, process_end_time = :end")
    # Every placeholder the expression uses has a value, and every value is used.
    assert set(re.findall(r":\w+", expression)) == set(values)
    assert ("error_message = :error" in expression) is (status == "FAILED")


def test_success_and_invalid_outcomes_record_the_row_counts(
    states: dict[str, dict[str, Any]],
) -> None:
    for state, source in (("RecordSuccess", "transformation"), ("RecordInvalid", "validation")):
        params = states[state]["Parameters"]
        values = params["ExpressionAttributeValues"]
        for attribute, placeholder in (
            ("rows_total", ":total"),
            ("rows_valid", ":valid"),
            ("rows_rejected", ":rejected"),
        ):
            assert f"{attribute} = {placeholder}" in params["UpdateExpression"]
            # DynamoDB numbers travel as strings; the function returns JSON numbers.
            assert values[placeholder] == {
                "N.$": f"States.JsonToString($.{source}.Payload.{attribute})"
            }
    invalid = states["RecordInvalid"]["Parameters"]["ExpressionAttributeValues"]
    assert invalid[":error"] == {"S.$": "$.validation.Payload.error"}
    assert invalid[":output"] == {"S.$": "$.validation.Payload.outcome_key"}
    success = states["RecordSuccess"]["Parameters"]["ExpressionAttributeValues"]
    assert success[":output"] == {"S.$": "$.transformation.Payload.output_key"}
