"""S3 helpers on moto: a big copy is multipart and byte-identical."""

from __future__ import annotations

import pytest

from functions.common import s3 as s3_helpers
from tests.functions.conftest import Aws


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
