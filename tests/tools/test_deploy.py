"""tools.deploy on the emulator: deploy through change sets, protect, destroy, keep the data."""

from __future__ import annotations

import logging
from pathlib import Path

import boto3
import pytest

from tests.tools.mini import FIXTURE
from tools import deploy, package
from tools.emulator import Emulator


def test_deploy_protects_the_stack_and_destroy_lists_what_it_keeps(
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

    monkeypatch.setattr("builtins.input", lambda _: "dep")
    caplog.set_level(logging.INFO, logger=deploy.__name__)
    retained = deploy.destroy("dep", region)

    kinds = sorted(kind for kind, _, _ in retained)
    assert kinds == ["AWS::DynamoDB::Table", "AWS::S3::Bucket"]
    assert f"  aws dynamodb delete-table --region {region} --table-name {outputs['TableName']}" in caplog.messages  # fmt: skip
    assert any(f"--bucket {outputs['BucketName']}" in m for m in caplog.messages)
    assert boto3.client("s3").head_bucket(Bucket=outputs["BucketName"])  # retained for real
    stacks = cfn.list_stacks(StackStatusFilter=["CREATE_COMPLETE", "UPDATE_COMPLETE"])
    assert "dep" not in [s["StackName"] for s in stacks["StackSummaries"]]


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
