"""tools.package, tools.deploy and tools.local's helpers on the emulator, with the mini fixture stack."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.tools.mini import FIXTURE, fixture_zip
from tools import deploy, local, package
from tools.emulator import Emulator


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator() as running:
        yield running


@pytest.fixture
def build(tmp_path: Path) -> Path:
    body = fixture_zip()
    (tmp_path / "fn.zip").write_bytes(body)
    entry = {"path": str(tmp_path / "fn.zip"), "sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}  # fmt: skip
    (tmp_path / "manifest.json").write_text(json.dumps({"validation": entry}))
    return tmp_path


def test_package_uploads_content_addressed_and_rewrites_nested_urls(
    emu: Emulator, build: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bucket = deploy.bootstrap("pkg", emu.region, FIXTURE)

    parameters = package.package("pkg", emu.region, FIXTURE, build)
    again = package.package("pkg", emu.region, FIXTURE, build)

    assert again == parameters
    assert "0 uploaded, 3 unchanged" in capsys.readouterr().out
    digest = hashlib.sha256((build / "fn.zip").read_bytes()).hexdigest()
    assert parameters == {"ArtifactsBucket": bucket, "ValidationCodeKey": f"code/validation-{digest}.zip"}  # fmt: skip
    assert json.loads((build / "parameters.json").read_text()) == parameters
    root = json.loads((build / "packaged-root.json").read_text())
    url = root["Resources"]["Compute"]["Properties"]["TemplateURL"]
    assert url.startswith(f"https://s3.{emu.region}.amazonaws.com/{bucket}/templates/compute-")
    key = url.split(f"/{bucket}/", 1)[1]
    body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    assert key.endswith(f"-{hashlib.sha256(body).hexdigest()}.json")


def test_package_refuses_a_zip_that_does_not_match_its_manifest(emu: Emulator, build: Path) -> None:
    (build / "fn.zip").write_bytes(b"changed after the build")
    with pytest.raises(package.PackageError, match="does not match its manifest"):
        package.package("pkg", emu.region, FIXTURE, build, bucket="any")


def test_package_needs_the_bootstrap_stack(emu: Emulator, build: Path) -> None:
    with pytest.raises(package.PackageError, match="make bootstrap"):
        package.package("never-bootstrapped", emu.region, FIXTURE, build)


def test_deploy_protects_the_stack_and_destroy_lists_what_it_keeps(
    emu: Emulator, build: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy.bootstrap("dep", emu.region, FIXTURE)
    package.package("dep", emu.region, FIXTURE, build)
    outputs = deploy.deploy("dep", emu.region, build_dir=build)
    assert deploy.deploy("dep", emu.region, build_dir=build) == outputs  # unchanged: success
    cfn = boto3.client("cloudformation")
    assert cfn.describe_stacks(StackName="dep")["Stacks"][0]["EnableTerminationProtection"]

    monkeypatch.setattr("builtins.input", lambda _: "wrong-name")
    with pytest.raises(deploy.DeployError, match="not confirmed"):
        deploy.destroy("dep", emu.region)
    assert cfn.describe_stacks(StackName="dep")["Stacks"]  # still there

    monkeypatch.setattr("builtins.input", lambda _: "dep")
    retained = deploy.destroy("dep", emu.region)

    kinds = sorted(kind for kind, _, _ in retained)
    assert kinds == ["AWS::DynamoDB::Table", "AWS::S3::Bucket"]
    printed = capsys.readouterr().out
    assert f"aws dynamodb delete-table --region {emu.region} --table-name {outputs['TableName']}" in printed  # fmt: skip
    assert f"--bucket {outputs['BucketName']}" in printed
    assert boto3.client("s3").head_bucket(Bucket=outputs["BucketName"])  # retained for real
    stacks = cfn.list_stacks(StackStatusFilter=["CREATE_COMPLETE", "UPDATE_COMPLETE"])
    assert "dep" not in [s["StackName"] for s in stacks["StackSummaries"]]


def test_deploy_needs_the_package_output_first(tmp_path: Path) -> None:
    with pytest.raises(deploy.DeployError, match="make package"):
        deploy.deploy("x", "us-east-1", build_dir=tmp_path)


def test_local_input_keys_mirror_the_folder(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.csv").write_text("x")
    (tmp_path / "top.csv").write_text("y")
    (tmp_path / ".hidden").write_text("z")
    (tmp_path / "notes.txt").write_text("not a csv")

    assert sorted(local.input_files(tmp_path)) == ["raw/a/b/x.csv", "raw/top.csv"]
    with pytest.raises(FileNotFoundError, match=r"only \.csv"):
        local.input_files(tmp_path / "notes.txt")
    assert list(local.input_files(tmp_path / "top.csv")) == ["raw/top.csv"]
    with pytest.raises(FileNotFoundError):
        local.input_files(tmp_path / "missing")
    assert local.main(["--input", str(tmp_path / "missing")]) == 1
