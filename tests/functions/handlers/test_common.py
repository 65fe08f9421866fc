"""The shared helpers: execution names, key mapping, notification message, caught errors, copy."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.common import notify
from functions.common import s3 as s3_helpers
from functions.common.events import caught_error_message, truncate_utf8
from functions.common.naming import execution_name

from .conftest import Aws

NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")


@pytest.mark.parametrize(
    "key",
    [
        "raw/x.csv",
        "raw/a/b/c/transactions 2026-01-02.csv",
        "raw/" + "é" * 300 + ".csv",
        "raw/" + "deep/" * 100 + "file.csv",
        "raw/---.csv",
    ],
)
def test_execution_name_is_a_valid_step_functions_name(key: str) -> None:
    name = execution_name("bucket", key, "v1", "")
    assert NAME.fullmatch(name), name
    assert name == execution_name("bucket", key, "v1", "")


def test_execution_name_keeps_the_file_name_readable() -> None:
    name = execution_name("bucket", "raw/" + "folder/" * 20 + "sales-2026.csv", "v1", "")
    assert name.split("-")[0] != "file"
    assert "sales-2026-" in name


def test_execution_name_changes_with_bucket_key_and_version_only() -> None:
    base = execution_name("b", "raw/x.csv", "v1", "e1")
    assert execution_name("b", "raw/x.csv", "v1", "e2") == base  # the version identifies it
    assert execution_name("b", "raw/x.csv", "v2", "e1") != base
    assert execution_name("b2", "raw/x.csv", "v1", "e1") != base
    assert execution_name("b", "raw/y.csv", "v1", "e1") != base
    # Without a version (unversioned bucket) the etag decides, quoted or not.
    assert execution_name("b", "raw/x.csv", "", '"e1"') == execution_name(
        "b", "raw/x.csv", "", "e1"
    )
    assert execution_name("b", "raw/x.csv", "", "e1") != execution_name("b", "raw/x.csv", "", "e2")


def test_subject_names_the_file_within_sns_limits() -> None:
    assert notify.subject("raw/x.csv") == "CSV ETL failure: raw/x.csv"
    long = notify.subject("raw/" + "d/" * 100 + "été\nfinal.csv")
    assert len(long) <= 99
    assert long.startswith("CSV ETL failure: ...")
    assert long.endswith("?final.csv")
    assert all(" " <= ch <= "~" for ch in long)


def test_message_is_the_documented_json() -> None:
    body = json.loads(
        notify.message(
            key="raw/x.csv", bucket="b", stage="validation", error="E" * 10_000, execution_arn="arn"
        )
    )
    assert set(body) == {"file", "bucket", "stage", "error", "execution_arn"}
    assert len(body["error"]) == notify.MAX_ERROR


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            {
                "Error": "TransformationError",
                "Cause": json.dumps(
                    {
                        "errorType": "TransformationError",
                        "errorMessage": "boom",
                        "stackTrace": ["a"],
                    }
                ),
            },
            "TransformationError: boom",
        ),
        ({"Error": "States.Timeout", "Cause": "took too long"}, "States.Timeout: took too long"),
        ({"Error": "States.Timeout"}, "States.Timeout"),
        ({}, "UnknownError"),
        (None, "unknown error: None"),
    ],
)
def test_caught_error_message(error: object, expected: str) -> None:
    assert caught_error_message(error) == expected


def test_truncate_utf8_never_splits_a_character() -> None:
    text = "é" * 1000
    cut = truncate_utf8(text, 1000)
    assert len(cut.encode()) <= 1000
    assert cut.endswith("...")
    assert truncate_utf8("short", 1000) == "short"


def test_big_copy_is_multipart_and_byte_identical(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        s3_helpers,
        "COPY_CONFIG",
        s3_helpers.TransferConfig(
            multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024
        ),
    )
    data = bytes(range(256)) * (6 * 1024 * 4)  # 6 MiB
    version = aws.put("raw/big.csv", data)["version_id"]
    aws.put("raw/big.csv", b"a newer upload")

    s3_helpers.copy(aws.s3, aws.bucket, "raw/big.csv", version, "failed/big.csv")

    assert aws.get("failed/big.csv") == data
    assert (
        aws.s3.head_object(Bucket=aws.bucket, Key="failed/big.csv")["ETag"]
        .strip('"')
        .endswith("-2")
    )


@given(
    bucket=st.text(min_size=3, max_size=63),
    path=st.text(min_size=1, max_size=1024),
    version=st.text(max_size=1024),
    etag=st.text(max_size=64),
)
def test_any_object_gets_a_valid_distinct_execution_name(
    bucket: str, path: str, version: str, etag: str
) -> None:
    name = execution_name(bucket, "raw/" + path, version, etag)

    assert NAME.fullmatch(name), name
    assert name != execution_name(bucket, "raw/" + path + "x", version, etag)
