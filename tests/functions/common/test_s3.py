"""S3 helpers on moto: the exact version is read, however many uploads followed it."""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.common import s3 as s3_helpers
from tests.functions.conftest import Aws


def test_download_reads_the_exact_version_not_the_latest(aws: Aws, tmp_path: Path) -> None:
    version = aws.put("raw/x.csv", b"first upload")["version_id"]
    aws.put("raw/x.csv", b"a newer upload")

    size = s3_helpers.download(aws.s3, aws.bucket, "raw/x.csv", version, tmp_path / "x.csv")

    assert (tmp_path / "x.csv").read_bytes() == b"first upload" and size == 12


def test_a_report_is_read_back_and_a_huge_one_refused(aws: Aws) -> None:
    aws.s3.put_object(
        Bucket=aws.bucket, Key="failed/x.json", Body=s3_helpers.json_bytes({"a": "é"})
    )
    assert s3_helpers.get_small_json(aws.s3, aws.bucket, "failed/x.json") == {"a": "é"}
    assert s3_helpers.get_small_json(aws.s3, aws.bucket, "failed/missing.json") is None
    with pytest.raises(ValueError, match="larger than 3 bytes"):
        s3_helpers.get_small_json(aws.s3, aws.bucket, "failed/x.json", limit=3)
