"""Conditional outcome writes: the newest upload of a key wins, whoever finishes last."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from contract.ordering import rank
from functions.common import conditional
from functions.common.conditional import Upload, Written, write_if_newest
from tests.functions.conftest import Aws

OLD, NEW = Upload(rank("00A0"), "v1"), Upload(rank("00B0"), "v2")
KEY = "processed/x.csv"


def _put(aws: Aws, body: bytes) -> conditional.Write:
    return conditional.put_bytes(aws.s3, aws.bucket, KEY, body, "text/csv")


def test_an_absent_key_is_written_with_the_upload_recorded(aws: Aws) -> None:
    assert write_if_newest(aws.s3, aws.bucket, KEY, OLD, _put(aws, b"old")) is Written.WRITTEN
    head = aws.s3.head_object(Bucket=aws.bucket, Key=KEY)
    assert head["Metadata"] == {"rank": OLD.rank, "sourceversion": "v1"}
    # The same upload again (a retry): already there, nothing rewritten.
    assert write_if_newest(aws.s3, aws.bucket, KEY, OLD, _put(aws, b"x")) is Written.ALREADY
    assert aws.get(KEY) == b"old"


def test_newer_replaces_older_and_older_never_replaces_newer(aws: Aws) -> None:
    write_if_newest(aws.s3, aws.bucket, KEY, OLD, _put(aws, b"old"))
    assert write_if_newest(aws.s3, aws.bucket, KEY, NEW, _put(aws, b"new")) is Written.WRITTEN
    assert write_if_newest(aws.s3, aws.bucket, KEY, OLD, _put(aws, b"old")) is Written.SUPERSEDED
    assert aws.get(KEY) == b"new"


def test_a_write_that_loses_the_race_reads_again_and_yields(aws: Aws) -> None:
    # GIVEN the key is absent when the older upload reads it, and the newer one writes first
    real = _put(aws, b"old")
    raced: list[dict[str, str]] = []

    def racing(conditions: dict[str, str], metadata: dict[str, str]) -> None:
        if not raced:
            raced.append(conditions)
            write_if_newest(aws.s3, aws.bucket, KEY, NEW, _put(aws, b"new"))
        real(conditions, metadata)  # If-None-Match: * now fails with 412

    # WHEN the older upload writes THEN its condition fails, it reads again, and yields
    assert write_if_newest(aws.s3, aws.bucket, KEY, OLD, racing) is Written.SUPERSEDED
    assert raced == [{"IfNoneMatch": "*"}]
    assert aws.get(KEY) == b"new"


def test_endless_conflicts_give_up_loudly(aws: Aws) -> None:
    def always_lost(conditions: dict[str, str], metadata: dict[str, str]) -> None:
        raise ClientError({"Error": {"Code": "PreconditionFailed", "Message": "x"}}, "PutObject")

    with pytest.raises(conditional.ConflictError, match="lost 8 conditional writes"):
        write_if_newest(aws.s3, aws.bucket, KEY, OLD, always_lost)


def test_a_large_copy_goes_in_parts_under_the_condition(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conditional, "SINGLE_COPY_BYTES", 1)
    monkeypatch.setattr(conditional, "COPY_PART_BYTES", 5 * 1024 * 1024)
    data = b"y" * (6 * 1024 * 1024)
    version = aws.put("raw/x.csv", data)["version_id"]
    aws.put("raw/x.csv", b"a newer upload")  # the copy takes the exact version
    copy = conditional.copy_version(
        aws.s3, aws.bucket, "raw/x.csv", version, len(data), "failed/x.csv", "text/csv"
    )

    assert write_if_newest(aws.s3, aws.bucket, "failed/x.csv", OLD, copy) is Written.WRITTEN
    assert aws.get("failed/x.csv") == data
    head = aws.s3.head_object(Bucket=aws.bucket, Key="failed/x.csv")
    assert head["ETag"].strip('"').endswith("-2") and head["Metadata"]["sourceversion"] == "v1"


def test_a_large_file_is_uploaded_in_parts(
    aws: Aws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conditional, "SINGLE_REQUEST_BYTES", 1)
    monkeypatch.setattr(conditional, "PART_BYTES", 5 * 1024 * 1024)
    source = tmp_path / "out.csv"
    source.write_bytes(b"z" * (5 * 1024 * 1024 + 10))
    upload = conditional.upload_file(
        aws.s3, source, aws.bucket, KEY, "text/csv", {"rows-total": "1"}
    )

    assert write_if_newest(aws.s3, aws.bucket, KEY, OLD, upload) is Written.WRITTEN
    head = aws.s3.head_object(Bucket=aws.bucket, Key=KEY)
    assert head["Metadata"] == {"rows-total": "1", "rank": OLD.rank, "sourceversion": "v1"}
    assert aws.get(KEY) == source.read_bytes()
