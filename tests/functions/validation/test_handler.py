"""The validation function under moto: S3 events and the Validate task (newest upload wins)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from contract.keys import FileKeys
from contract.ordering import rank
from contract.payloads import ExecutionInput
from functions.common.config import ConfigurationError, ValidationSettings
from functions.common.events import SourceMissingError
from functions.common.naming import execution_name
from functions.validation import handler
from functions.validation.handler import lambda_handler
from tests.functions.conftest import (
    MISSING_COLUMN_CSV,
    VALID_CSV,
    Aws,
    FakeLambdaContext,
)
from tests.functions.conftest import load_event as _load_event

EVENTS = Path(__file__).parent / "events"
KEY = "raw/2026/transactions.csv"
# Line 3 has an amount with three significant decimals: one invalid row out of four.
ONE_BAD_ROW_CSV = (
    b"transaction_id,customer_id,amount,timestamp\n"
    b"t1,c1,1.00,2024-01-02T03:04:05Z\n"
    b"t2,c2,1.505,2024-01-02T03:04:05Z\n"
    b"t3,c3,2.00,2024-01-02T03:04:05Z\n"
    b"t4,c4,3.00,2024-01-02T03:04:05Z\n"
)
# Error paths raise before any metric is added; Powertools warns about the empty flush.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")


@pytest.fixture(autouse=True)
def environment(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    """The validation function's environment as the compute template sets it."""
    aws.use_environment_of("ValidationFunction", monkeypatch)


def load_event(name: str, aws: Aws, **fields: str) -> dict[str, Any]:
    return _load_event(EVENTS / name, aws, **fields)


def _s3_event(aws: Aws, key: str = KEY, name: str = "s3_put.json") -> dict[str, Any]:
    return load_event(name, aws, **aws.put(key, VALID_CSV))


# --- S3 notification -> StartExecution ----------------------------------------------------------


def test_s3_event_starts_one_execution_named_deterministically(
    aws: Aws, context: FakeLambdaContext
) -> None:
    # GIVEN a CSV uploaded under raw/ and its notification
    uploaded = aws.put(KEY, VALID_CSV)
    event = load_event("s3_put.json", aws, **uploaded)

    # WHEN the function receives it
    result = lambda_handler(event, context)

    # THEN one execution runs, named from bucket/key/version, with the documented input
    assert result == {"started": 1, "already_started": 0, "ignored": 0}
    [execution] = aws.executions()
    expected_name = execution_name(aws.bucket, KEY, uploaded["version_id"], uploaded["etag"])
    assert execution["name"] == expected_name
    assert expected_name.startswith("2026_transactions-")
    description = aws.sfn.describe_execution(executionArn=execution["executionArn"])
    given = json.loads(description["input"])
    assert (
        given
        == ExecutionInput.of(
            aws.bucket, KEY, uploaded["version_id"], uploaded["etag"], "0055AED6DCD90281E5"
        ).to_dict()
    )
    assert given["sequencer"] == "0055AED6DCD90281E5"  # from the S3 event record


def test_duplicate_s3_event_starts_nothing_new(aws: Aws, context: FakeLambdaContext) -> None:
    event = _s3_event(aws)
    lambda_handler(event, context)

    # WHEN the same event arrives again while the execution runs: Step Functions' own
    # idempotency returns the running execution
    lambda_handler(event, context)
    [execution] = aws.executions()

    # AND once it has finished: ExecutionAlreadyExists, which counts as already started
    aws.sfn.stop_execution(executionArn=execution["executionArn"])
    result = lambda_handler(event, context)

    executions = aws.executions()
    assert result == {"started": 0, "already_started": 1, "ignored": 0}, executions
    assert len(executions) == 1


def test_url_encoded_key_is_decoded(aws: Aws, context: FakeLambdaContext) -> None:
    # GIVEN a key with spaces, '+', parentheses and non-ASCII letters, URL-encoded as S3 sends it
    key = "raw/Q1 report été + draft(1).csv"
    event = load_event("s3_put_encoded.json", aws, **aws.put(key, VALID_CSV))

    lambda_handler(event, context)

    [execution] = aws.executions()
    description = aws.sfn.describe_execution(executionArn=execution["executionArn"])
    assert json.loads(description["input"])["key"] == key
    assert len(execution["name"]) <= 80
    assert execution["name"].startswith("Q1_report_ete_draft_1-")


def test_records_not_for_raw_csv_objects_are_ignored(aws: Aws, context: FakeLambdaContext) -> None:
    # processed/ key, a .txt under raw/, and a delete event
    result = lambda_handler(load_event("s3_mixed.json", aws), context)

    assert result == {"started": 0, "already_started": 0, "ignored": 3}
    assert aws.executions() == []


def test_s3_test_event_is_ignored(aws: Aws, context: FakeLambdaContext) -> None:
    result = lambda_handler(load_event("s3_test_event.json", aws), context)

    assert result == {"started": 0, "already_started": 0, "ignored": 0}


def test_start_failure_other_than_already_exists_raises(
    aws: Aws, context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the workflow does not exist (e.g. a wrong ARN): the event must not be swallowed
    monkeypatch.setenv("STATE_MACHINE_ARN", aws.state_machine_arn + "-missing")

    with pytest.raises(ClientError, match="StateMachineDoesNotExist"):
        lambda_handler(_s3_event(aws), context)


def test_malformed_s3_record_raises(aws: Aws, context: FakeLambdaContext) -> None:
    with pytest.raises(ValueError, match="malformed S3 event record"):
        lambda_handler({"Records": [{"eventSource": "aws:s3", "s3": {}}]}, context)


# --- Validate task --------------------------------------------------------------------------------


def test_invalid_file_goes_to_failed_with_report_for_the_workflow_to_notify(
    aws: Aws, context: FakeLambdaContext, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a file without the amount column
    event = load_event("validate.json", aws, **aws.put(KEY, MISSING_COLUMN_CSV))

    # WHEN the workflow's Validate task runs
    result = lambda_handler(event, context)

    # THEN the answer says invalid, briefly, and points at failed/
    assert result["valid"] is False
    assert result["outcome_key"] == "failed/2026/transactions.csv"
    assert "amount" in result["error"]
    assert len(result["error"].encode()) < 1024
    assert set(result) == {
        "valid",
        "rows_total",
        "rows_valid",
        "rows_rejected",
        "error",
        "outcome_key",
        "superseded",
        "staged_key",
        "amount_total",
        "source_sha256",
        "output_sha256",
    }
    assert result["superseded"] is False
    # AND its proof: nothing reached processed/, and the outcome's bytes are the source's
    digest = hashlib.sha256(MISSING_COLUMN_CSV).hexdigest()
    assert (result["amount_total"], result["source_sha256"], result["output_sha256"]) == (
        "0.00",
        digest,
        digest,
    )
    assert result["staged_key"] == ""
    # AND the original bytes are in failed/, unchanged, with a meaningful report beside them
    assert aws.get("failed/2026/transactions.csv") == MISSING_COLUMN_CSV
    report = json.loads(aws.get("failed/2026/transactions.csv.error.json"))
    assert report["file"] == KEY
    assert report["stage"] == "validation"
    assert report["outcome"] == "invalid"
    assert report["execution_arn"] == event["execution_arn"]
    assert report["version_id"] == event["version_id"]
    assert "amount" in report["error"]
    assert report["details"]  # the core's own report
    assert report["source_sha256"] == digest and report["amount_total"] == "0.00"
    # AND both objects record which upload they came from (the conditional writes compare it)
    for key in ("failed/2026/transactions.csv", "failed/2026/transactions.csv.error.json"):
        metadata = aws.s3.head_object(Bucket=aws.bucket, Key=key)["Metadata"]
        assert metadata == {"rank": "0" * 64, "sourceversion": event["version_id"]}
    # AND raw/ is empty, and the function notified nobody (the workflow does, once)
    assert aws.keys("raw/") == []
    assert aws.notifications() == []
    # AND the EMF metrics say so
    emitted = capsys.readouterr().out
    assert '"FilesInvalid"' in emitted
    assert '"Namespace": "CsvEtl"' in emitted or '"Namespace":"CsvEtl"' in emitted


def test_validate_retry_after_invalid_returns_the_recorded_outcome(
    aws: Aws, context: FakeLambdaContext
) -> None:
    event = load_event("validate.json", aws, **aws.put(KEY, MISSING_COLUMN_CSV))
    first = lambda_handler(event, context)
    aws.notifications()

    # WHEN the task is retried after its response was lost
    second = lambda_handler(event, context)

    # THEN the answer is the same and nothing is published or written again
    assert second == first
    assert aws.notifications() == []
    assert aws.keys() == ["failed/2026/transactions.csv", "failed/2026/transactions.csv.error.json"]


def test_validate_of_a_vanished_object_raises(aws: Aws, context: FakeLambdaContext) -> None:
    uploaded = aws.put(KEY, VALID_CSV)
    aws.s3.delete_object(Bucket=aws.bucket, Key=KEY, VersionId=uploaded["version_id"])

    with pytest.raises(SourceMissingError, match="no longer exists"):
        lambda_handler(load_event("validate.json", aws, **uploaded), context)


def test_validate_does_not_mistake_a_quarantine_report_for_its_outcome(
    aws: Aws, context: FakeLambdaContext
) -> None:
    # GIVEN the workflow quarantined the object after a failed validation attempt
    uploaded = aws.put(KEY, VALID_CSV)
    report = {"file": KEY, "version_id": uploaded["version_id"], "outcome": "quarantined"}
    aws.s3.put_object(
        Bucket=aws.bucket, Key=f"failed/{KEY[4:]}.error.json", Body=json.dumps(report)
    )
    aws.s3.delete_object(Bucket=aws.bucket, Key=KEY, VersionId=uploaded["version_id"])

    # WHEN a late Validate retry arrives THEN it does not report a validation outcome
    with pytest.raises(SourceMissingError, match="no validation report"):
        lambda_handler(load_event("validate.json", aws, **uploaded), context)


def _failed_held_by(aws: Aws, sequencer: str, version: str = "other") -> None:
    """failed/<path> and its report as an upload with ``sequencer`` left them."""
    metadata = {"rank": rank(sequencer), "sourceversion": version}
    for key, body in (
        ("failed/2026/transactions.csv", b"newer"),
        ("failed/2026/transactions.csv.error.json", b"{}"),
    ):
        aws.s3.put_object(Bucket=aws.bucket, Key=key, Body=body, Metadata=metadata)


def test_an_older_invalid_upload_never_overwrites_a_newer_one(
    aws: Aws, context: FakeLambdaContext
) -> None:
    # GIVEN failed/ holds a newer upload of the key
    _failed_held_by(aws, "00B0")
    event = load_event("validate.json", aws, **aws.put(KEY, MISSING_COLUMN_CSV), sequencer="00A0")

    # WHEN the older upload turns out invalid
    result = lambda_handler(event, context)

    # THEN it is superseded: failed/ untouched, the original gone from raw/
    assert (result["valid"], result["superseded"], result["outcome_key"]) == (False, True, "")
    assert aws.get("failed/2026/transactions.csv") == b"newer"
    assert aws.get("failed/2026/transactions.csv.error.json") == b"{}"
    assert aws.keys("raw/") == []


def test_a_newer_invalid_upload_replaces_an_older_one(aws: Aws, context: FakeLambdaContext) -> None:
    _failed_held_by(aws, "00A0")
    event = load_event("validate.json", aws, **aws.put(KEY, MISSING_COLUMN_CSV), sequencer="00B0")

    result = lambda_handler(event, context)

    assert (result["superseded"], result["outcome_key"]) == (False, "failed/2026/transactions.csv")
    assert aws.get("failed/2026/transactions.csv") == MISSING_COLUMN_CSV
    assert json.loads(aws.get("failed/2026/transactions.csv.error.json"))["sequencer"] == "00B0"


def test_valid_file_is_staged_with_its_proof_and_stays_in_raw(
    aws: Aws, context: FakeLambdaContext
) -> None:
    event = load_event("validate.json", aws, **aws.put(KEY, VALID_CSV))

    result = lambda_handler(event, context)

    staged = FileKeys.of(KEY).staged(rank(""), event["version_id"])
    output = aws.get(staged)
    assert result == {
        "valid": True,
        "rows_total": 2,
        "rows_valid": 2,
        "rows_rejected": 0,
        "error": "",
        "outcome_key": "",
        "superseded": False,
        "staged_key": staged,
        "amount_total": "1231.50",  # 1234.50 - 3.00
        "source_sha256": hashlib.sha256(VALID_CSV).hexdigest(),
        "output_sha256": hashlib.sha256(output).hexdigest(),
    }
    assert output.startswith(b"transaction_id,customer_id,amount,timestamp,note\n")
    # AND the staged object names its upload and carries the figures for the Transform task
    metadata = aws.s3.head_object(Bucket=aws.bucket, Key=staged)["Metadata"]
    assert metadata["sourceversion"] == event["version_id"] and metadata["rank"] == rank("")
    assert metadata["amount-total"] == "1231.50" and metadata["rows-total"] == "2"
    assert metadata["source-sha256"] == result["source_sha256"]
    assert aws.keys() == sorted([KEY, staged])  # the transformation step moves it
    assert aws.notifications() == []


def test_rejected_rows_within_tolerance_are_written_beside(
    aws: Aws, context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a tolerance of 25 % and a file with one bad row in four
    monkeypatch.setenv("MAX_INVALID_ROW_RATIO", "0.25")
    event = load_event("validate.json", aws, **aws.put(KEY, ONE_BAD_ROW_CSV))

    result = lambda_handler(event, context)

    assert result["valid"] is True
    assert (result["rows_total"], result["rows_valid"], result["rows_rejected"]) == (4, 3, 1)
    assert result["outcome_key"] == "failed/2026/transactions.csv.rejected.csv"
    rejected = aws.get("failed/2026/transactions.csv.rejected.csv").decode()
    assert "3" in rejected  # the bad row's line number
    assert "t2" in rejected or "1.505" in rejected or "decimal" in rejected.lower()
    assert KEY in aws.keys("raw/")


def test_bad_row_beyond_tolerance_fails_the_file(aws: Aws, context: FakeLambdaContext) -> None:
    event = load_event("validate.json", aws, **aws.put(KEY, ONE_BAD_ROW_CSV))

    result = lambda_handler(event, context)

    assert result["valid"] is False
    assert (result["rows_total"], result["rows_rejected"]) == (4, 1)
    report = json.loads(aws.get("failed/2026/transactions.csv.error.json"))
    assert "3" in json.dumps(report["details"])  # the line number of the bad row
    assert aws.keys("raw/") == []


# --- Configuration and event shape -----------------------------------------------------------------


def test_settings_are_read_once_per_invocation_and_reach_the_core(
    aws: Aws, context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a tolerance that lets the file's one bad row in four pass
    monkeypatch.setenv("MAX_INVALID_ROW_RATIO", "0.25")
    reads = []

    class CountedSettings:
        @staticmethod
        def from_env(env: Any) -> ValidationSettings:
            reads.append(env)
            return ValidationSettings.from_env(env)

    monkeypatch.setattr(handler, "ValidationSettings", CountedSettings)
    event = load_event("validate.json", aws, **aws.put(KEY, ONE_BAD_ROW_CSV))

    result = lambda_handler(event, context)

    assert len(reads) == 1
    assert result["valid"] is True  # the core got the tolerance from that one read


def test_missing_state_machine_arn_is_named(
    aws: Aws, context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STATE_MACHINE_ARN")

    with pytest.raises(ConfigurationError, match="STATE_MACHINE_ARN"):
        lambda_handler(_s3_event(aws), context)


@pytest.mark.parametrize(
    ("event", "name", "value"),
    [
        ("s3_put.json", "STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:execution:x:y"),
        ("validate.json", "MAX_INVALID_ROW_RATIO", "1.5"),
        ("validate.json", "SOURCE_TIMEZONE", "Mars/Olympus_Mons"),
    ],
)
def test_malformed_configuration_is_named(
    aws: Aws,
    context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    event: str,
    name: str,
    value: str,
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError, match=f"environment variable {name}"):
        lambda_handler(load_event(event, aws, **aws.put(KEY, VALID_CSV)), context)


# What an S3 notification runs in a fresh interpreter, with a Step Functions client that
# only records: it must start the execution without ever importing the core or polars.
_NOTIFICATION_ONLY = """
import json, sys
from functions.validation import handler
from tests.functions.conftest import FakeLambdaContext

started = []
class Sfn:
    def start_execution(self, **request):
        started.append(request["name"])
        return {"executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:" + request["name"]}

handler.client = lambda service: Sfn()
result = handler.lambda_handler(json.loads(sys.stdin.read()), FakeLambdaContext())
print(json.dumps({"result": result, "started": started,
                  "loaded": sorted(m for m in ("polars", "functions.core") if m in sys.modules)}))
"""


def test_an_s3_notification_never_loads_the_core(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a notification, and a SOURCE_TIMEZONE only the Validate task would reject
    monkeypatch.setenv("SOURCE_TIMEZONE", "Mars/Olympus_Mons")
    event = _s3_event(aws)

    # WHEN a cold interpreter handles it
    done = subprocess.run(
        [sys.executable, "-c", _NOTIFICATION_ONLY],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[3],
        timeout=120,
    )

    # THEN the execution is started and neither polars nor the core was imported
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["result"]["started"] == 1
    assert len(report["started"]) == 1
    assert report["loaded"] == []


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"action": "transform"}, "unsupported event"),
        ({"hello": "world"}, "unsupported event"),
        ({"action": "validate", "bucket": "b"}, "'key'"),
        ({"action": "validate", "bucket": "b", "key": "processed/x.csv"}, "must start with 'raw/'"),
        ({"action": "quarantine", "bucket": "", "key": "raw/x.csv"}, "'bucket'"),
        (
            {"action": "validate", "bucket": "b", "key": "raw/x.csv", "version_id": 3},
            "'version_id'",
        ),
    ],
)
def test_unsupported_events_raise_a_clear_error(
    aws: Aws, context: FakeLambdaContext, event: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        lambda_handler(event, context)
