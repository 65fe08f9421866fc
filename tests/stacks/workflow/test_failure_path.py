"""The failure path: quarantine, record the failure, notify, fail; each Catch moves forward."""

from typing import Any

from tests.stacks.helpers import canonical

# The failure path in order; a Catch may only lead further down this list.
ORDER = [
    "Quarantine",
    "QuarantineFailed",
    "RecordFailure",
    "Notify",
    "NotifyWithPlainSubject",
    "PipelineFailed",
]


def test_quarantine_asks_the_validation_function_to_move_the_file(
    states: dict[str, dict[str, Any]],
) -> None:
    quarantine = states["Quarantine"]
    assert quarantine["Parameters"]["FunctionName"] == "${ValidationFunctionArn}"
    payload = quarantine["Parameters"]["Payload"]
    assert payload["action"] == "quarantine"
    assert payload["error.$"] == "$.error"
    assert payload["stage.$"] == "$.failed_stage"
    assert payload["execution_arn.$"] == "$$.Execution.Id"
    assert quarantine["ResultSelector"] == {
        "quarantined.$": "$.Payload.quarantined",
        "error_message.$": "$.Payload.error_message",
    }
    assert quarantine["ResultPath"] == "$.failure"
    assert quarantine["Next"] == "RecordFailure"


def test_a_failed_quarantine_still_records_and_notifies_the_raw_cause(
    states: dict[str, dict[str, Any]],
) -> None:
    assert states["Quarantine"]["Catch"][0]["Next"] == "QuarantineFailed"
    fallback = states["QuarantineFailed"]
    assert fallback["Parameters"] == {"quarantined": False, "error_message.$": "$.error.Cause"}
    assert fallback["ResultPath"] == "$.failure"
    assert fallback["Next"] == "RecordFailure"


def test_the_failure_is_recorded_then_notified_even_if_recording_fails(
    states: dict[str, dict[str, Any]],
) -> None:
    record = states["RecordFailure"]
    assert record["Parameters"]["ExpressionAttributeValues"][":error"] == {
        "S.$": "$.failure.error_message"
    }
    assert record["Next"] == "Notify"
    assert record["Catch"][0]["Next"] == "Notify"


def test_notification_carries_the_file_stage_and_error(states: dict[str, dict[str, Any]]) -> None:
    for name in ("Notify", "NotifyWithPlainSubject"):
        notify = states[name]
        assert canonical(notify["Resource"]) == "arn:${AWS::Partition}:states:::sns:publish"
        assert notify["Parameters"]["TopicArn"] == "${TopicArn}"
        assert notify["Parameters"]["Message"] == {
            "file.$": "$.key",
            "bucket.$": "$.bucket",
            "stage.$": "$.failed_stage",
            "error.$": "$.failure.error_message",
            "execution_arn.$": "$$.Execution.Id",
        }
        assert notify["Next"] == "PipelineFailed"
    assert states["Notify"]["Parameters"]["Subject.$"] == (
        "States.Format('CSV ETL failure: {}', $.key)"
    )
    # SNS refuses a long or non-ASCII subject: the second try has a plain one.
    assert states["Notify"]["Catch"][0]["Next"] == "NotifyWithPlainSubject"
    assert states["NotifyWithPlainSubject"]["Parameters"]["Subject"] == "CSV ETL failure"
    assert states["PipelineFailed"]["Type"] == "Fail"


def test_every_catch_on_the_failure_path_moves_forward(states: dict[str, dict[str, Any]]) -> None:
    for position, name in enumerate(ORDER):
        for catch in states[name].get("Catch", []):
            assert ORDER.index(catch["Next"]) > position, f"{name} -> {catch['Next']}"
            # Keeps the caught error apart from the original one at $.error.
            assert catch["ResultPath"] not in {"$.error", "$.failure", "$.failed_stage"}, name
