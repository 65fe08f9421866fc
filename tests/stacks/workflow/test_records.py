"""The metadata item: one per execution, put as PROCESSING, completed by each outcome."""

import re
from typing import Any

import pytest

KEY = {"file_name": {"S.$": "$.key"}, "process_start_time": {"S.$": "$$.Execution.StartTime"}}
IDENTITY = {
    "bucket": {"S.$": "$.bucket"},
    "version_id": {"S.$": "$.version_id"},
    "etag": {"S.$": "$.etag"},
    "sequencer": {"S.$": "$.sequencer"},
    "execution_arn": {"S.$": "$$.Execution.Id"},
}
UPDATES = {
    "RecordSuccess": "SUCCEEDED",
    "RecordInvalid": "FAILED",
    "RecordFailure": "FAILED",
    "RecordValidatedFailure": "FAILED",
    "RecordSuperseded": "SUPERSEDED",
    "RecordSupersededFailure": "SUPERSEDED",
}


def test_the_start_puts_a_processing_item_per_execution(
    states: dict[str, dict[str, Any]],
) -> None:
    params = states["RecordStart"]["Parameters"]
    assert params["TableName"] == "${TableName}"
    assert params["Item"] == {**KEY, "status": {"S": "PROCESSING"}, **IDENTITY}


@pytest.mark.parametrize(("state", "status"), sorted(UPDATES.items()))
def test_each_outcome_completes_the_item_of_this_execution(
    states: dict[str, dict[str, Any]], state: str, status: str
) -> None:
    params = states[state]["Parameters"]
    assert params["TableName"] == "${TableName}"
    assert params["Key"] == KEY
    values, names = params["ExpressionAttributeValues"], params["ExpressionAttributeNames"]
    assert values[":status"] == {"S": status}
    assert values[":end"] == {"S.$": "$$.State.EnteredTime"}
    expression = params["UpdateExpression"]
    assert expression.startswith("SET #status = :status, #process_end_time = :end")
    # UpdateItem creates a missing item: each outcome carries what RecordStart writes.
    for attribute, value in IDENTITY.items():
        assert f"#{attribute} = :{attribute}" in expression and values[f":{attribute}"] == value
    # Every placeholder and name the expression uses is defined, and every one is used.
    assert set(re.findall(r":\w+", expression)) == set(values)
    assert set(re.findall(r"#\w+", expression)) == set(names)
    assert all(names[f"#{n}"] == n for n in (k[1:] for k in names))
    assert ("#error_message = :error" in expression) is (status == "FAILED")


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
            assert f"#{attribute} = {placeholder}" in params["UpdateExpression"]
            # DynamoDB numbers travel as strings; the function returns JSON numbers.
            assert values[placeholder] == {
                "N.$": f"States.JsonToString($.{source}.Payload.{attribute})"
            }
    invalid = states["RecordInvalid"]["Parameters"]["ExpressionAttributeValues"]
    assert invalid[":error"] == {"S.$": "$.validation.Payload.error"}
    assert invalid[":output"] == {"S.$": "$.validation.Payload.outcome_key"}
    success = states["RecordSuccess"]["Parameters"]["ExpressionAttributeValues"]
    assert success[":output"] == {"S.$": "$.transformation.Payload.output_key"}


PROOF = (
    ("amount_total", ":amount"),
    ("source_sha256", ":source"),
    ("output_sha256", ":digest"),
)


@pytest.mark.parametrize(
    ("state", "source"),
    [
        ("RecordSuccess", "transformation"),
        ("RecordInvalid", "validation"),
        ("RecordSuperseded", "validation"),
    ],
)
def test_every_outcome_of_a_validated_file_records_its_proof(
    states: dict[str, dict[str, Any]], state: str, source: str
) -> None:
    params = states[state]["Parameters"]
    values = params["ExpressionAttributeValues"]
    for attribute, placeholder in PROOF:
        assert f"#{attribute} = {placeholder}" in params["UpdateExpression"]
        assert values[placeholder] == {"S.$": f"$.{source}.Payload.{attribute}"}


def test_a_quarantine_after_validate_keeps_the_validation_figures(
    states: dict[str, dict[str, Any]],
) -> None:
    (choice,) = states["RecordFailureWhich"]["Choices"]
    assert choice["Next"] == "RecordValidatedFailure"
    assert states["RecordFailureWhich"]["Default"] == "RecordFailure"
    values = states["RecordValidatedFailure"]["Parameters"]["ExpressionAttributeValues"]
    assert values[":total"] == {"N.$": "States.JsonToString($.validation.Payload.rows_total)"}
    assert values[":amount"] == {"S": "0.00"}  # nothing reached processed/
    # the outcome is the failed/ copy of the source: its digest is the source's
    assert values[":source"] == values[":digest"] == {"S.$": "$.validation.Payload.source_sha256"}
    plain = states["RecordFailure"]["Parameters"]["ExpressionAttributeValues"]
    assert ":amount" not in plain and ":total" not in plain


def test_the_failure_path_reads_the_validation_where_the_main_path_puts_it() -> None:
    from stacks.workflow import failure_path, main_path

    assert f"{main_path.VALIDATION}.Payload" == failure_path.VALIDATION_RESULT
