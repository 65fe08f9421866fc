"""The staged output: one key per upload, refused when it names another, discarded whole."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from contract.keys import MAX_KEY_BYTES, FileKeys
from contract.ordering import rank
from contract.proof import Figures
from functions.common import conditional, staging

BUCKET = "staging-test"
KEYS = FileKeys.of("raw/x.csv")
FIGURES = Figures(1, 1, 0, "1.50", "a" * 64, "b" * 64)


@pytest.fixture
def s3() -> object:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield client


def test_one_key_per_upload_and_legal_for_every_legal_raw_key() -> None:
    a, b = rank("00A0"), rank("00B0")
    assert KEYS.staged(a, "v1") == KEYS.staged(a, "v1")
    assert len({KEYS.staged(a, "v1"), KEYS.staged(a, "v2"), KEYS.staged(b, "v1")}) == 3
    assert KEYS.staged(a, "v1").startswith("staging/x.csv.")
    long = FileKeys.of("raw/" + "é" * 510)
    assert len(long.staged(a, "v1").encode()) <= MAX_KEY_BYTES


def test_write_then_read_names_the_upload(s3: object, tmp_path: Path) -> None:
    output = tmp_path / "out.csv"
    output.write_bytes(b"amount\n1.50\n")
    upload = conditional.Upload(rank("00A0"), "v1")

    key = staging.write(s3, BUCKET, KEYS, upload, output, FIGURES)
    staged = staging.read(s3, BUCKET, KEYS, upload)

    assert staged is not None and staged.key == key and staged.figures == FIGURES
    assert staged.size == output.stat().st_size
    assert staging.read(s3, BUCKET, KEYS, conditional.Upload(rank("00B0"), "v1")) is None
    # another upload's figures under this key are refused, never promoted
    s3.put_object(  # type: ignore[attr-defined]
        Bucket=BUCKET, Key=key, Body=b"x", Metadata={**FIGURES.metadata(), "rank": upload.rank}
    )
    with pytest.raises(staging.StagedMismatchError):
        staging.read(s3, BUCKET, KEYS, upload)


def test_discard_removes_every_version_a_retried_validate_wrote(s3: object, tmp_path: Path) -> None:
    output = tmp_path / "out.csv"
    output.write_bytes(b"amount\n1.50\n")
    upload = conditional.Upload(rank("00A0"), "v1")
    for _ in range(3):
        staging.write(s3, BUCKET, KEYS, upload, output, FIGURES)
    staged = staging.read(s3, BUCKET, KEYS, upload)
    assert staged is not None

    staging.discard(s3, BUCKET, staged)

    listed = s3.list_object_versions(Bucket=BUCKET, Prefix="staging/")  # type: ignore[attr-defined]
    assert listed.get("Versions") is None and listed.get("DeleteMarkers") is None
