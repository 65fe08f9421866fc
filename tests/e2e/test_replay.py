"""`make replay`: a failed upload re-run once its cause is fixed, once, with failed/ consistent."""

from __future__ import annotations

import json

import boto3
import pytest

from contract.keys import FileKeys
from tests.e2e.conftest import Pipeline, csv_bytes
from tools import invariants, local, replay

pytestmark = pytest.mark.e2e

VALID = csv_bytes(["T1,C1,1.00,2024-11-01T09:02:11Z", "T2,C2,2.50,2024-11-01T10:00:00Z"])


def _replay(pipeline: Pipeline, **selection: str) -> replay.Replay:
    return replay.replay(
        local.STACK_NAME,
        pipeline.emulator.region,
        replay.Selection(**selection),  # type: ignore[arg-type]
        confirm=lambda _: True,
    )


def test_a_quarantined_upload_replayed_after_the_fix_succeeds_once(
    pipeline: Pipeline, prefix: str
) -> None:
    # GIVEN a valid upload quarantined because the validation function kept failing
    key = f"{prefix}quarantined.csv"
    broken = pipeline.emulator.faults.inject("validation", times=100, key_contains=key)
    pipeline.upload(key, VALID, quarantined=True)
    assert pipeline.finish()[key] == "FAILED"
    keys = FileKeys.of(key)
    earlier_report = pipeline.read(keys.error_report)
    broken.times = broken.used  # the cause is fixed

    # WHEN it is replayed, and the command retried
    done = _replay(pipeline, file=key)
    # The retry finds either the restored version still under raw/ (refused: in flight) or,
    # once its execution recorded the start, no FAILED latest attempt: never a second replay.
    try:
        again = _replay(pipeline, file=key)
        assert again.replayed == {} and "in flight" in again.refused[key]
    except replay.Refusal as refusal:
        assert "nothing to replay" in str(refusal)

    # THEN one new upload of the same bytes, its own execution and item, SUCCEEDED
    restored = done.replayed[key]
    assert restored["replay_of"] == pipeline.uploads[0].version_id
    pipeline.uploads.append(invariants.Upload(key, restored["version_id"], "", VALID))
    assert pipeline.wait([key])[key].status == "SUCCEEDED"
    items = {i["version_id"]: i for i in pipeline.items(key)}
    assert len(pipeline.items(key)) == 2  # the quarantined attempt and the one replay
    assert items[restored["version_id"]]["status"] == "SUCCEEDED"
    assert items[restored["version_id"]]["execution_arn"] == restored["execution_arn"]
    assert items[pipeline.uploads[0].version_id]["status"] == "FAILED"  # kept as it was
    # failed/ keeps the record of the earlier failure, untouched (pipeline.md §9)
    assert pipeline.read(keys.failed) == VALID
    assert pipeline.read(keys.error_report) == earlier_report
    assert json.loads(earlier_report)["version_id"] == pipeline.uploads[0].version_id
    # Once it succeeded, there is nothing left to replay for the key.
    with pytest.raises(replay.Refusal, match="nothing to replay"):
        _replay(pipeline, file=key)


def test_nothing_matching_is_refused_and_a_replaced_failed_copy_is_not_replayed(
    pipeline: Pipeline, prefix: str
) -> None:
    with pytest.raises(replay.Refusal, match="nothing to replay"):
        _replay(pipeline, prefix=f"{prefix}none/")
    # A failed item whose bytes in failed/ were replaced (here: by hand) is refused.
    key = f"{prefix}invalid.csv"
    pipeline.upload(key, csv_bytes(["T1,C1,1.00,2024-02-30T00:00:00Z"]), waived=("outcome",))
    assert pipeline.finish()[key] == "SUCCEEDED"  # FileRejected
    boto3.client("s3").put_object(
        Bucket=pipeline.bucket, Key=FileKeys.of(key).failed, Body=b"other", Metadata={}
    )
    done = _replay(pipeline, prefix=prefix)
    assert done.replayed == {} and "holds another upload" in done.refused[key]
