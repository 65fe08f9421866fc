"""The transformation function under moto: raw/ -> processed/, idempotent retries, failures."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from contract.ordering import rank
from functions.common import conditional
from functions.common import s3 as s3_helpers
from functions.common.config import TransformationSettings
from functions.common.events import SourceMissingError, TransformationError
from functions.transformation import handler
from functions.transformation.handler import lambda_handler
from tests.functions.conftest import MISSING_COLUMN_CSV, VALID_CSV, Aws, FakeLambdaContext
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


def test_valid_file_is_transformed_exactly_and_leaves_raw(
    aws: Aws, context: FakeLambdaContext
) -> None:
    # GIVEN a validated file under raw/
    event = load_event("transform.json", aws, **aws.put(KEY, VALID_CSV))
    before = _leftovers()

    # WHEN the Transform task runs
    result = lambda_handler(event, context)

    # THEN processed/ holds exactly the data-contract.md §4 output, raw/ is empty, /tmp is clean
    assert result == {
        "output_key": OUTPUT,
        "rows_total": 2,
        "rows_valid": 2,
        "rows_rejected": 0,
        "superseded": False,
    }
    assert aws.get(OUTPUT) == VALID_PROCESSED
    assert aws.keys() == [OUTPUT]
    assert _leftovers() == before


def test_retry_after_success_returns_the_same_without_rewriting(
    aws: Aws, context: FakeLambdaContext
) -> None:
    event = load_event("transform.json", aws, **aws.put(KEY, VALID_CSV))
    first = lambda_handler(event, context)

    # WHEN the task is retried after its response was lost
    second = lambda_handler(event, context)

    assert second == first
    versions = aws.s3.list_object_versions(Bucket=aws.bucket, Prefix=OUTPUT)["Versions"]
    assert len(versions) == 1  # written once


def test_retry_for_another_version_does_not_pass_for_success(
    aws: Aws, context: FakeLambdaContext
) -> None:
    # GIVEN processed/ holds the output of an earlier upload of the same key
    lambda_handler(load_event("transform.json", aws, **aws.put(KEY, VALID_CSV)), context)
    newer = aws.put(KEY, VALID_CSV)
    aws.s3.delete_object(Bucket=aws.bucket, Key=KEY, VersionId=newer["version_id"])

    with pytest.raises(SourceMissingError, match="does not hold its output"):
        lambda_handler(load_event("transform.json", aws, **newer), context)


def test_missing_source_without_output_raises(aws: Aws, context: FakeLambdaContext) -> None:
    uploaded = aws.put(KEY, VALID_CSV)
    aws.s3.delete_object(Bucket=aws.bucket, Key=KEY, VersionId=uploaded["version_id"])

    with pytest.raises(SourceMissingError, match="no longer exists"):
        lambda_handler(load_event("transform.json", aws, **uploaded), context)


def test_core_rejection_raises_and_keeps_the_original(aws: Aws, context: FakeLambdaContext) -> None:
    # GIVEN a file the core rejects (validation should have caught it: treat as unexpected)
    event = load_event("transform.json", aws, **aws.put(KEY, MISSING_COLUMN_CSV))
    before = _leftovers()

    with pytest.raises(TransformationError, match="amount"):
        lambda_handler(event, context)

    # THEN nothing was written, the original waits for the workflow's quarantine, /tmp is clean
    assert aws.keys() == [KEY]
    assert _leftovers() == before


def test_big_output_is_uploaded_in_parts(
    aws: Aws, context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a 5 MiB multipart threshold (S3's minimum part size) and a ~6 MiB output
    monkeypatch.setattr(conditional, "SINGLE_REQUEST_BYTES", 5 * 1024 * 1024)
    monkeypatch.setattr(conditional, "PART_BYTES", 5 * 1024 * 1024)
    row = b"t%07d,c1,1.00,2024-01-02T03:04:05Z,%s\n"
    rows = b"".join(row % (i, b"x" * 40) for i in range(100_000))
    event = load_event(
        "transform.json",
        aws,
        **aws.put(KEY, b"transaction_id,customer_id,amount,timestamp,pad\n" + rows),
    )

    result = lambda_handler(event, context)

    assert result["rows_total"] == 100_000
    head = aws.s3.head_object(Bucket=aws.bucket, Key=OUTPUT)
    assert head["ETag"].strip('"').endswith("-2")  # a multipart upload of two parts
    assert head["ContentLength"] > 5 * 1024 * 1024
    assert head["Metadata"]["sourceversion"] == event["version_id"]


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
    event = load_event("transform.json", aws, **aws.put(KEY, VALID_CSV), sequencer="00A0")

    # WHEN the older upload's Transform runs
    result = lambda_handler(event, context)

    # THEN it is superseded: the newer output stays, the older original leaves raw/
    assert result["superseded"] is True and result["output_key"] == ""
    assert aws.get(OUTPUT) == b"newer"
    assert aws.keys("raw/") == []
    # AND a retry (raw/ gone) still answers superseded
    assert lambda_handler(event, context)["superseded"] is True


def test_a_newer_upload_replaces_an_older_output(aws: Aws, context: FakeLambdaContext) -> None:
    aws.s3.put_object(
        Bucket=aws.bucket,
        Key=OUTPUT,
        Body=b"older",
        Metadata={"rank": rank("00A0"), "sourceversion": "v1"},
    )
    event = load_event("transform.json", aws, **aws.put(KEY, VALID_CSV), sequencer="00B0")

    result = lambda_handler(event, context)

    assert result["superseded"] is False
    assert aws.get(OUTPUT) == VALID_PROCESSED


def test_unsupported_event_raises(aws: Aws, context: FakeLambdaContext) -> None:
    with pytest.raises(ValueError, match="'key'"):
        lambda_handler({"bucket": aws.bucket}, context)


def test_too_little_tmp_space_fails_early_and_clearly(
    aws: Aws, context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN /tmp with less free space than the source and output need
    event = load_event("transform.json", aws, **aws.put(KEY, VALID_CSV))
    monkeypatch.setattr(
        s3_helpers.shutil,
        "disk_usage",
        lambda path: SimpleNamespace(total=10**9, used=10**9, free=100),
    )

    with pytest.raises(s3_helpers.TmpSpaceError, match="EphemeralStorage"):
        lambda_handler(event, context)

    assert aws.keys() == [KEY]


def test_settings_are_read_once_per_invocation(
    aws: Aws, context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = []

    class CountedSettings:
        @staticmethod
        def from_env(env: Any) -> TransformationSettings:
            reads.append(env)
            return TransformationSettings.from_env(env)

    monkeypatch.setattr(handler, "TransformationSettings", CountedSettings)

    lambda_handler(load_event("transform.json", aws, **aws.put(KEY, VALID_CSV)), context)

    assert len(reads) == 1


def test_the_original_is_deleted_only_after_the_output_is_written(
    aws: Aws, context: FakeLambdaContext
) -> None:
    from functions.common.clients import client

    calls: list[str] = []
    events = client("s3").meta.events
    events.register(
        "before-call.s3", lambda model, **_: calls.append(model.name), unique_id="order"
    )
    try:
        lambda_handler(load_event("transform.json", aws, **aws.put(KEY, VALID_CSV)), context)
    finally:
        events.unregister("before-call.s3", unique_id="order")

    assert calls.index("PutObject") < calls.index("DeleteObject")
