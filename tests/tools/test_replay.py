"""`make replay`'s choice of uploads, and its refusals before touching anything."""

from __future__ import annotations

import datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from contract.keys import FileKeys
from contract.ordering import VERSION_METADATA
from contract.payloads import ExecutionInput
from functions.common import attempts
from tools import replay


def _item(key: str, start: str, status: str, version: str = "v") -> dict[str, Any]:
    return {"file_name": key, "process_start_time": start, "status": status, "version_id": version}


ITEMS = [
    _item("raw/a.csv", "2026-12-01T10:00:00Z", "FAILED", "a1"),
    _item("raw/a.csv", "2026-12-01T11:00:00Z", "SUCCEEDED", "a2"),  # fixed by a newer upload
    _item("raw/b.csv", "2026-12-01T09:00:00Z", "SUCCEEDED", "b1"),
    _item("raw/b.csv", "2026-12-01T12:00:00Z", "FAILED", "b2"),
    _item("raw/dir/c.csv", "2026-11-30T08:00:00Z", "FAILED", "c1"),
    _item("raw/d.csv", "2026-12-01T13:00:00Z", "PROCESSING", "d1"),
]


def _keys(selection: replay.Selection) -> list[str]:
    return [i["file_name"] for i in replay.failed_attempts(ITEMS, selection)]


def test_only_keys_whose_latest_attempt_failed_are_chosen() -> None:
    assert _keys(replay.Selection(prefix="raw/")) == ["raw/b.csv", "raw/dir/c.csv"]
    (chosen,) = replay.failed_attempts(ITEMS, replay.Selection(file="raw/b.csv"))
    assert chosen["version_id"] == "b2"


def test_file_prefix_and_since_narrow_the_choice() -> None:
    assert _keys(replay.Selection(file="raw/a.csv")) == []
    assert _keys(replay.Selection(prefix="raw/dir/")) == ["raw/dir/c.csv"]
    since = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    assert _keys(replay.Selection(since=since)) == ["raw/b.csv"]


def _run(monkeypatch: pytest.MonkeyPatch, items: list[dict[str, Any]], answer: bool) -> Any:
    outputs = {"TableName": "t", "BucketName": "b", "StateMachineArn": "m"}
    monkeypatch.setattr(replay, "stack_outputs", lambda *_: outputs)
    monkeypatch.setattr(replay.pipeline_state, "metadata_items", lambda _: items)
    replayed: list[str] = []

    def replay_one(_bucket: str, _machine: str, item: dict[str, Any]) -> dict[str, str]:
        replayed.append(item["file_name"])
        return {"version_id": "new", "execution_arn": "arn"}

    monkeypatch.setattr(replay, "replay_one", replay_one)
    asked: list[int] = []

    def confirm(count: int) -> bool:
        asked.append(count)
        return answer

    try:
        replay.replay("s", "r", replay.Selection(prefix="raw/"), confirm=confirm)
    except replay.Refusal as refusal:
        return asked, replayed, str(refusal)
    return asked, replayed, ""


def test_more_than_a_few_files_ask_first_and_no_means_nothing_is_touched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    many = [_item(f"raw/{n}.csv", "2026-12-01T00:00:00Z", "FAILED") for n in range(4)]
    assert _run(monkeypatch, many, answer=False) == (
        [4],
        [],
        "not replaying 4 files (YES=1 replays without asking)",
    )
    asked, replayed, _ = _run(monkeypatch, many, answer=True)
    assert (asked, len(replayed)) == ([4], 4)
    asked, replayed, _ = _run(monkeypatch, many[:3], answer=False)
    assert (asked, len(replayed)) == ([], 3)  # a few: no question


def test_nothing_matching_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    asked, replayed, refusal = _run(monkeypatch, ITEMS[:2], answer=True)
    assert (asked, replayed) == ([], []) and refusal.startswith("nothing to replay")
    assert "PREFIX=raw/" in refusal


def test_the_command_line_refuses_without_a_selection() -> None:
    with pytest.raises(SystemExit):
        replay.main(["--stack-name", "s", "--region", "r"])


BUCKET = "replay-bucket"
STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:sm"
BYTES = b"transaction_id,customer_id,amount,timestamp\nt1,c1,1.00,2024-01-01\n"


def _bucket_with_failed_copy(key: str, failed_version: str) -> Any:
    """A versioned bucket whose failed/ place of ``key`` holds the bytes of ``failed_version``."""
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    place = FileKeys.of(key).failed
    s3.put_object(Bucket=BUCKET, Key=place, Body=BYTES, Metadata={VERSION_METADATA: failed_version})
    return s3


def _raw_versions(s3: Any, key: str) -> list[str]:
    listed = s3.list_object_versions(Bucket=BUCKET, Prefix=key)
    return [v["VersionId"] for v in listed.get("Versions", []) if v["Key"] == key]


def test_a_replay_is_a_new_upload_of_the_failed_bytes_with_its_own_execution() -> None:
    with mock_aws():
        s3 = _bucket_with_failed_copy("raw/x.csv", "v-failed")

        done = replay.replay_one(
            BUCKET, STATE_MACHINE, _item("raw/x.csv", "t", "FAILED", "v-failed")
        )

        (version,) = _raw_versions(s3, "raw/x.csv")
        restored = s3.get_object(Bucket=BUCKET, Key="raw/x.csv", VersionId=version)
        assert restored["Body"].read() == BYTES
        assert restored["Metadata"] == {replay.REPLAY_OF_METADATA: "v-failed"}
        assert (done["version_id"], done["replay_of"]) == (version, "v-failed")
        upload = ExecutionInput.of(BUCKET, "raw/x.csv", version, restored["ETag"].strip('"'), "")
        assert done["execution_arn"] == attempts.execution_arn(
            STATE_MACHINE, attempts.name_of(upload, 0)
        )


def test_a_version_left_under_raw_is_refused_even_behind_a_delete_marker() -> None:
    # A delete marker hides the version from If-None-Match, not from the sweeper (it lists
    # versions): that version is still to be processed, so no replay may overtake it.
    with mock_aws():
        s3 = _bucket_with_failed_copy("raw/x.csv", "v-failed")
        s3.put_object(Bucket=BUCKET, Key="raw/x.csv", Body=b"in flight")
        s3.delete_object(Bucket=BUCKET, Key="raw/x.csv")  # current: a delete marker
        before = _raw_versions(s3, "raw/x.csv")

        with pytest.raises(ValueError, match=r"raw/x.csv already has a version under raw/"):
            replay.replay_one(BUCKET, STATE_MACHINE, _item("raw/x.csv", "t", "FAILED", "v-failed"))

        assert _raw_versions(s3, "raw/x.csv") == before  # nothing copied


def test_a_failed_copy_of_another_upload_or_none_is_refused() -> None:
    with mock_aws():
        s3 = _bucket_with_failed_copy("raw/x.csv", "v-newer")

        with pytest.raises(
            ValueError, match=r"holds another upload \(v-newer\), not the failed version v-old"
        ):
            replay.replay_one(BUCKET, STATE_MACHINE, _item("raw/x.csv", "t", "FAILED", "v-old"))
        with pytest.raises(ValueError, match=r"failed/y.csv is missing: the failed bytes are gone"):
            replay.replay_one(BUCKET, STATE_MACHINE, _item("raw/y.csv", "t", "FAILED", "v-old"))

        assert _raw_versions(s3, "raw/") == []
