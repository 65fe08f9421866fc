"""The transformation function under moto: the staged output -> processed/ without parsing.

Each test stages a file through the real validation function (the one run of the core per
file, pipeline.md §1), then runs the Transform task on it."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import pytest

from contract.keys import FileKeys
from contract.ordering import rank
from contract.payloads import TaskRequest
from functions.common import conditional
from functions.common.config import ValidationSettings
from functions.common.events import SourceMissingError
from functions.common.staging import StagedMismatchError
from functions.core import CoreConfig
from functions.transformation import handler
from functions.transformation.handler import lambda_handler
from functions.validation.handler import validate
from tests.functions.conftest import VALID_CSV, Aws, FakeLambdaContext, heavy_modules_after_import
from tests.functions.conftest import load_event as _load_event

EVENTS = Path(__file__).parent / "events"
KEY = "raw/2026/transactions.csv"
OUTPUT = "processed/2026/transactions.csv"
# VALID_CSV transformed (data-contract.md §4).
VALID_PROCESSED = (
    b"transaction_id,customer_id,amount,timestamp,note\n"
    b"t1,c1,1234.50,2024-01-02T02:04:05Z,hello\n"
    b't2,c2,-3.00,2024-01-02T00:00:00Z,"x, y"\n'
)
# Error paths raise before any metric is added; Powertools warns about the empty flush.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")


@pytest.fixture(autouse=True)
def environment(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    """The transformation function's environment as the compute template sets it."""
    aws.use_environment_of("TransformationFunction", monkeypatch)


def load_event(name: str, aws: Aws, **fields: str) -> dict[str, Any]:
    return _load_event(EVENTS / name, aws, **fields)


@pytest.fixture(autouse=True)
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A /tmp of this test's own, so other processes' temp files cannot disturb the check."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _leftovers() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("*"))


VALIDATION = ValidationSettings(CoreConfig())


def staged_event(aws: Aws, body: bytes = VALID_CSV, sequencer: str = "") -> dict[str, Any]:
    """Upload ``body`` to raw/, run the Validate task on it (staging its output): the event."""
    event = load_event("transform.json", aws, **aws.put(KEY, body), sequencer=sequencer)
    result = validate(TaskRequest.from_event(event), VALIDATION)
    assert result.valid and result.staged_key == staged_key(event)
    return event


def staged_key(event: dict[str, Any]) -> str:
    return FileKeys.of(KEY).staged(rank(event.get("sequencer", "")), event["version_id"])


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def test_valid_file_is_promoted_exactly_and_leaves_raw_and_staging(
    aws: Aws, context: FakeLambdaContext
) -> None:
    # GIVEN a validated file: its output staged, the original still under raw/
    event = staged_event(aws)
    assert aws.keys() == sorted([KEY, staged_key(event)])
    before = _leftovers()

    # WHEN the Transform task runs
    result = lambda_handler(event, context)

    # THEN processed/ holds exactly the data-contract.md §4 output with its proof, raw/ and
    # staging/ are empty (every version), /tmp is untouched
    assert result == {
        "output_key": OUTPUT,
        "rows_total": 2,
        "rows_valid": 2,
        "rows_rejected": 0,
        "superseded": False,
        "amount_total": "1231.50",
        "source_sha256": _sha(VALID_CSV),
        "output_sha256": _sha(VALID_PROCESSED),
    }
    assert aws.get(OUTPUT) == VALID_PROCESSED
    assert aws.keys() == [OUTPUT]
    assert aws.s3.list_object_versions(Bucket=aws.bucket, Prefix="staging/").get("Versions") is None
    metadata = aws.s3.head_object(Bucket=aws.bucket, Key=OUTPUT)["Metadata"]
    assert metadata["sourceversion"] == event["version_id"]
    assert metadata["output-sha256"] == _sha(VALID_PROCESSED)
    assert metadata["amount-total"] == "1231.50"
    assert _leftovers() == before


def test_it_never_parses_and_never_reads_raw(
    aws: Aws, context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.common.clients import client

    event = staged_event(aws)
    calls: list[tuple[str, str]] = []
    events = client("s3").meta.events
    events.register(
        "before-parameter-build.s3",
        lambda model, params, **_: calls.append((model.name, params.get("Key", ""))),
        unique_id="reads",
    )
    try:
        lambda_handler(event, context)
    finally:
        events.unregister("before-parameter-build.s3", unique_id="reads")

    assert [c for c in calls if c[0].startswith("Get") or c[1] == KEY] == [("DeleteObject", KEY)]


def test_retry_after_success_returns_the_same_without_rewriting(
    aws: Aws, context: FakeLambdaContext
) -> None:
    event = staged_event(aws)
    first = lambda_handler(event, context)

    # WHEN the task is retried after its response was lost
    second = lambda_handler(event, context)

    assert second == first
    versions = aws.s3.list_object_versions(Bucket=aws.bucket, Prefix=OUTPUT)["Versions"]
    assert len(versions) == 1  # written once


def test_retry_after_the_promote_but_before_the_deletes_finishes_them(
    aws: Aws, context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a first attempt that promoted the output and then lost S3 before deleting
    event = staged_event(aws)
    real_delete = handler.s3.delete

    def broken(*args: Any) -> None:
        raise ConnectionError("S3 went away")

    monkeypatch.setattr(handler.s3, "delete", broken)
    with pytest.raises(ConnectionError):
        lambda_handler(event, context)
    assert aws.get(OUTPUT) == VALID_PROCESSED
    assert aws.keys("raw/") == [KEY]

    # WHEN the task is retried
    monkeypatch.setattr(handler.s3, "delete", real_delete)
    result = lambda_handler(event, context)

    # THEN it answers success with the figures, and raw/ and staging/ are gone
    assert result["output_key"] == OUTPUT and result["output_sha256"] == _sha(VALID_PROCESSED)
    assert aws.keys() == [OUTPUT]


def test_retry_of_validate_after_the_staged_write_rewrites_the_same_key(
    aws: Aws, context: FakeLambdaContext
) -> None:
    event = staged_event(aws)
    again = validate(TaskRequest.from_event(event), VALIDATION)

    assert again.staged_key == staged_key(event)
    assert lambda_handler(event, context)["output_key"] == OUTPUT
    assert aws.keys() == [OUTPUT]


def test_staged_output_of_another_upload_is_never_promoted(
    aws: Aws, context: FakeLambdaContext
) -> None:
    # GIVEN this upload's staging key holds an object naming another version
    event = staged_event(aws)
    key = staged_key(event)
    aws.s3.copy_object(
        Bucket=aws.bucket,
        Key=key,
        CopySource={"Bucket": aws.bucket, "Key": key},
        Metadata={
            **aws.s3.head_object(Bucket=aws.bucket, Key=key)["Metadata"],
            "sourceversion": "other",
        },
        MetadataDirective="REPLACE",
    )

    with pytest.raises(StagedMismatchError, match="other"):
        lambda_handler(event, context)

    assert aws.keys("processed/") == []
    assert aws.keys("raw/") == [KEY]


def test_retry_for_another_version_does_not_pass_for_success(
    aws: Aws, context: FakeLambdaContext
) -> None:
    # GIVEN processed/ holds the output of an earlier upload of the same key
    lambda_handler(staged_event(aws), context)
    newer = load_event("transform.json", aws, **aws.put(KEY, VALID_CSV))

    with pytest.raises(SourceMissingError, match="does not hold its output"):
        lambda_handler(newer, context)


def test_nothing_staged_and_no_output_raises_and_keeps_the_original(
    aws: Aws, context: FakeLambdaContext
) -> None:
    # GIVEN an upload that was never validated (no staged output)
    event = load_event("transform.json", aws, **aws.put(KEY, VALID_CSV))

    with pytest.raises(SourceMissingError, match="no staged output"):
        lambda_handler(event, context)

    # THEN nothing was written; the original waits for the workflow's quarantine
    assert aws.keys() == [KEY]


def test_big_output_is_staged_and_promoted_in_parts(
    aws: Aws, context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN 5 MiB thresholds (S3's minimum part size) and a ~6 MiB output
    for name in ("SINGLE_REQUEST_BYTES", "PART_BYTES", "SINGLE_COPY_BYTES", "COPY_PART_BYTES"):
        monkeypatch.setattr(conditional, name, 5 * 1024 * 1024)
    row = b"t%07d,c1,1.00,2024-01-02T03:04:05Z,%s\n"
    rows = b"".join(row % (i, b"x" * 40) for i in range(100_000))
    event = staged_event(aws, b"transaction_id,customer_id,amount,timestamp,pad\n" + rows)
    staged = aws.s3.head_object(Bucket=aws.bucket, Key=staged_key(event))
    assert staged["ETag"].strip('"').endswith("-2")  # staged by a multipart upload

    result = lambda_handler(event, context)

    assert result["rows_total"] == 100_000 and result["amount_total"] == "100000.00"
    head = aws.s3.head_object(Bucket=aws.bucket, Key=OUTPUT)
    assert head["ETag"].strip('"').endswith("-2")  # a multipart copy of two parts
    assert head["ContentLength"] == staged["ContentLength"]
    assert head["Metadata"]["sourceversion"] == event["version_id"]
    assert _sha(aws.get(OUTPUT)) == result["output_sha256"]


def test_an_older_upload_never_overwrites_a_newer_output(
    aws: Aws, context: FakeLambdaContext
) -> None:
    # GIVEN processed/ holds the output of a newer upload of the key
    aws.s3.put_object(
        Bucket=aws.bucket,
        Key=OUTPUT,
        Body=b"newer",
        Metadata={"rank": rank("00B0"), "sourceversion": "v2"},
    )
    event = staged_event(aws, sequencer="00A0")

    # WHEN the older upload's Transform runs
    result = lambda_handler(event, context)

    # THEN it is superseded: the newer output stays, raw/ and staging/ are emptied
    assert result["superseded"] is True and result["output_key"] == ""
    assert aws.get(OUTPUT) == b"newer"
    assert aws.keys() == [OUTPUT]
    # AND a retry (nothing staged) still answers superseded
    assert lambda_handler(event, context)["superseded"] is True


def test_a_newer_upload_replaces_an_older_output(aws: Aws, context: FakeLambdaContext) -> None:
    aws.s3.put_object(
        Bucket=aws.bucket,
        Key=OUTPUT,
        Body=b"older",
        Metadata={"rank": rank("00A0"), "sourceversion": "v1"},
    )
    event = staged_event(aws, sequencer="00B0")

    result = lambda_handler(event, context)

    assert result["superseded"] is False
    assert aws.get(OUTPUT) == VALID_PROCESSED


def test_unsupported_event_raises(aws: Aws, context: FakeLambdaContext) -> None:
    with pytest.raises(ValueError, match="'key'"):
        lambda_handler({"bucket": aws.bucket}, context)


def test_the_handler_loads_neither_the_core_nor_polars() -> None:
    """It only promotes the staged output: a cold start pays for neither (pipeline.md §1.1)."""
    assert heavy_modules_after_import("functions.transformation.handler") == []


def test_the_original_is_deleted_only_after_the_output_is_written_and_staging_last(
    aws: Aws, context: FakeLambdaContext
) -> None:
    from functions.common.clients import client

    event = staged_event(aws)
    calls: list[tuple[str, str]] = []
    events = client("s3").meta.events
    events.register(
        "before-parameter-build.s3",
        lambda model, params, **_: calls.append((model.name, params.get("Key", ""))),
        unique_id="order",
    )
    try:
        lambda_handler(event, context)
    finally:
        events.unregister("before-parameter-build.s3", unique_id="order")

    assert calls.index(("CopyObject", OUTPUT)) < calls.index(("DeleteObject", KEY))
    assert calls.index(("DeleteObject", KEY)) < calls.index(("DeleteObject", staged_key(event)))
