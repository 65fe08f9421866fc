"""The failure path: describe, quarantine through S3 integrations, record, notify, fail."""

from typing import Any

from tests.stacks.helpers import canonical


def test_the_failure_is_described_once_for_the_record_the_report_and_the_notice(
    states: dict[str, dict[str, Any]],
) -> None:
    describe = states["DescribeFailure"]
    params = describe["Parameters"]
    assert params["error_message.$"] == "States.Format('{}: {}', $.error.Error, $.error.Cause)"
    report = params["report"]
    assert report["outcome"] == "quarantined" and report["caught.$"] == "$.error"
    assert report["version_id.$"] == "$.version_id" and report["stage.$"] == "$.failed_stage"
    assert (describe["ResultPath"], describe["Next"]) == ("$.failure", "QuarantineFileHolder")


def test_quarantine_uses_s3_integrations_never_a_function(
    states: dict[str, dict[str, Any]],
) -> None:
    quarantine = [n for n in states if n.startswith(("Quarantine", "Superseded"))]
    for name in quarantine:
        resource = canonical(states[name].get("Resource", ""))
        assert resource == "" or ":states:::aws-sdk:s3:" in resource, name
    copy = states["QuarantineFileNew"]["Parameters"]
    assert canonical(states["QuarantineFileNew"]["Resource"]).endswith("aws-sdk:s3:copyObject")
    assert copy["CopySource.$"] == "$.copy_source" and copy["Key.$"] == "$.failed_key"
    assert copy["MetadataDirective"] == "REPLACE" and "TaggingDirective" not in copy  # tags kept
    report = states["QuarantineReportNew"]["Parameters"]
    assert report["Body.$"] == "States.JsonToString($.failure.report)"
    assert report["Key.$"] == "$.error_report_key"
    delete = states["QuarantineDeleteRaw"]["Parameters"]
    assert delete == {"Bucket.$": "$.bucket", "Key.$": "$.key", "VersionId.$": "$.version_id"}


def test_the_original_goes_only_after_both_outcome_objects(
    states: dict[str, dict[str, Any]],
) -> None:
    for written in ("QuarantineFileNew", "QuarantineFileOverwrite"):
        assert states[written]["Next"] == "QuarantineReportHolder"
    for written in ("QuarantineReportNew", "QuarantineReportOverwrite"):
        assert states[written]["Next"] == "QuarantineDeleteRaw"
    assert states["QuarantineDeleteRaw"]["Next"] == "RecordFailureWhich"


def test_s3_failing_on_the_failure_path_still_records_and_notifies(
    states: dict[str, dict[str, Any]],
) -> None:
    for name in ("QuarantineFileHolder", "QuarantineFileNew", "QuarantineReportOverwrite"):
        assert states[name]["Catch"][-1]["Next"] == "QuarantineFailed"
    fallback = states["QuarantineFailed"]
    assert fallback["ResultPath"] == "$.failure" and fallback["Next"] == "RecordFailureWhich"
    assert states["RecordFailure"]["Next"] == "Notify"
    assert states["RecordValidatedFailure"]["Next"] == "Notify"
    assert states["Notify"]["Next"] == "FinishFailure"
    assert states["FinishFailure"]["Default"] == "PipelineFailed"


def test_notification_carries_the_upload_stage_and_error(states: dict[str, dict[str, Any]]) -> None:
    notify = states["Notify"]
    assert canonical(notify["Resource"]) == "arn:${AWS::Partition}:states:::sns:publish"
    assert notify["Parameters"]["TopicArn"] == "${TopicArn}"
    assert notify["Parameters"]["Subject.$"] == "$.subject"
    assert notify["Parameters"]["Message"] == {
        "file.$": "$.key",
        "version_id.$": "$.version_id",
        "bucket.$": "$.bucket",
        "stage.$": "$.failed_stage",
        "error.$": "$.failure.error_message",
        "execution_arn.$": "$$.Execution.Id",
    }
    # A notification that cannot be sent is bookkeeping: remembered, the path goes on.
    assert notify["Catch"] == [
        {
            "ErrorEquals": ["States.ALL"],
            "ResultPath": "$.bookkeeping_error",
            "Next": "FinishFailure",
        }
    ]


def test_failed_holding_a_newer_upload_supersedes_this_one(
    states: dict[str, dict[str, Any]],
) -> None:
    newer = states["QuarantineFileNewer"]["Choices"][1]
    assert newer["And"][1] == {
        "Variable": "$.holder.metadata.rank",
        "StringGreaterThanEqualsPath": "$.rank",
    }
    assert newer["Next"] == "SupersededDeleteRaw"
    assert states["SupersededDeleteRaw"]["Next"] == "RecordSupersededFailure"
    assert states["RecordSupersededFailure"]["Next"] == "FinishSuperseded"
