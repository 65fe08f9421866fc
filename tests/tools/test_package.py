"""tools.package on the emulator: content-addressed uploads, the packaged root, its checks."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import boto3
import pytest

from tests.tools.mini import FIXTURE
from tools import deploy, package
from tools.emulator import Emulator


def test_package_uploads_content_addressed_and_rewrites_nested_urls(
    emulator: Emulator, build: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=package.__name__)
    bucket = deploy.bootstrap("pkg", emulator.region, FIXTURE)

    parameters = package.package("pkg", emulator.region, FIXTURE, build)
    again = package.package("pkg", emulator.region, FIXTURE, build)

    assert again == parameters
    assert caplog.messages[-1].startswith(f"packaged into s3://{bucket}: 0 uploaded, 3 unchanged;")
    digest = hashlib.sha256((build / "fn.zip").read_bytes()).hexdigest()
    assert parameters == {"ArtifactsBucket": bucket, "ValidationCodeKey": f"code/validation-{digest}.zip"}  # fmt: skip
    assert json.loads((build / "parameters.json").read_text()) == parameters
    root = json.loads((build / "packaged-root.json").read_text())
    url = root["Resources"]["Compute"]["Properties"]["TemplateURL"]
    assert url.startswith(f"https://s3.{emulator.region}.amazonaws.com/{bucket}/templates/compute-")
    key = url.split(f"/{bucket}/", 1)[1]
    body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    assert key.endswith(f"-{hashlib.sha256(body).hexdigest()}.json")


def test_package_refuses_a_zip_that_does_not_match_its_manifest(
    emulator: Emulator, build: Path
) -> None:
    (build / "fn.zip").write_bytes(b"changed after the build")
    with pytest.raises(package.PackageError, match="does not match its manifest"):
        package.package("pkg", emulator.region, FIXTURE, build, bucket="any")


def test_package_needs_the_bootstrap_stack(emulator: Emulator, build: Path) -> None:
    with pytest.raises(package.PackageError, match="make bootstrap"):
        package.package("never-bootstrapped", emulator.region, FIXTURE, build)
