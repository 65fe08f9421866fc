"""tools.deploy on the emulator: deploy through change sets, protect, destroy, keep the data."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from tests.tools.mini import FIXTURE
from tools import deploy, package
from tools.emulator import Emulator


def test_deploy_protects_the_stack_and_destroy_keeps_what_the_printed_commands_remove(
    emulator: Emulator,
    build: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    region = emulator.region
    deploy.bootstrap("dep", region, FIXTURE)
    package.package("dep", region, FIXTURE, build)
    outputs = deploy.deploy("dep", region, build_dir=build)
    assert deploy.deploy("dep", region, build_dir=build) == outputs  # unchanged: success
    cfn = boto3.client("cloudformation")
    assert cfn.describe_stacks(StackName="dep")["Stacks"][0]["EnableTerminationProtection"]

    monkeypatch.setattr("builtins.input", lambda _: "wrong-name")
    with pytest.raises(deploy.DeployError, match="not confirmed"):
        deploy.destroy("dep", region)
    assert cfn.describe_stacks(StackName="dep")["Stacks"]  # still there

    # The kept bucket holds versions and a delete marker; the kept table is protected.
    s3 = boto3.client("s3")
    s3.put_bucket_versioning(Bucket=outputs["BucketName"], VersioningConfiguration={"Status": "Enabled"})  # fmt: skip
    for body in (b"1", b"2"):
        s3.put_object(Bucket=outputs["BucketName"], Key="failed/x.csv", Body=body)
    s3.delete_object(Bucket=outputs["BucketName"], Key="failed/x.csv")
    monkeypatch.setattr("builtins.input", lambda _: "dep")
    caplog.set_level(logging.INFO, logger=deploy.__name__)
    retained = deploy.destroy("dep", region)

    kinds = sorted(kind for kind, _, _ in retained)
    assert kinds == ["AWS::DynamoDB::Table", "AWS::S3::Bucket"]
    assert boto3.client("s3").head_bucket(Bucket=outputs["BucketName"])  # retained for real
    stacks = cfn.list_stacks(StackStatusFilter=["CREATE_COMPLETE", "UPDATE_COMPLETE"])
    assert "dep" not in [s["StackName"] for s in stacks["StackSummaries"]]
    commands = [deploy.removal_command(kind, physical, region) for kind, _, physical in retained]
    assert all(f"  {c}" in caplog.messages for c in commands)

    # Each printed command, pasted into a shell, removes what it names.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    for command in commands:
        run = subprocess.run(["bash", "-c", command], env={**os.environ, "PATH": path},
                             capture_output=True, text=True, check=False)  # fmt: skip
        assert run.returncode == 0, f"{command}\n{run.stderr}"
    assert outputs["BucketName"] not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert outputs["TableName"] not in boto3.client("dynamodb").list_tables()["TableNames"]


def test_deploy_needs_the_package_output_first(tmp_path: Path) -> None:
    with pytest.raises(deploy.DeployError, match="make package"):
        deploy.deploy("x", "us-east-1", build_dir=tmp_path)


def test_the_cli_output_streams_when_shown_and_is_kept_for_failures_when_not(
    emulator: Emulator, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    # GIVEN this module's messages are not shown (as in `make local`): WHEN the CLI fails
    with pytest.raises(deploy.DeployError, match="exited with"):
        deploy.run_aws("cloudformation", "describe-stacks", "--stack-name", "missing")
    # THEN its own error output is printed, on stderr
    quiet = capfd.readouterr()
    assert "missing does not exist" in quiet.err and quiet.out == ""

    # GIVEN they are shown (`make deploy`): the command line is logged, the CLI's output streams
    caplog.set_level(logging.INFO, logger=deploy.__name__)
    deploy.run_aws("cloudformation", "list-stacks", "--output", "json")
    shown = capfd.readouterr()
    assert caplog.messages == ["+ aws cloudformation list-stacks --output json"]
    assert '"StackSummaries"' in shown.out
