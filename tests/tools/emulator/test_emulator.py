"""The emulator as a whole: bridges applied and removed exactly, the environment, and the
whole production path (bootstrap, package, `aws cloudformation deploy`, S3 upload, state
machine, functions) on the mini fixture stack through the real CLI."""

from __future__ import annotations

import os
import time
from pathlib import Path

import boto3
import moto
import pytest

from tests.tools.mini import FIXTURE, write_build
from tools import deploy, package
from tools.emulator import Emulator


def test_bridges_are_removed_cleanly(emu: Emulator) -> None:
    from moto.awslambda.models import LambdaFunction

    original = vars(moto).copy(), LambdaFunction._invoke_lambda
    with emu.bridged():
        assert LambdaFunction._invoke_lambda is not original[1]
    assert (vars(moto), LambdaFunction._invoke_lambda) == original


def test_one_emulator_at_a_time_may_bridge_moto(emu: Emulator) -> None:
    other = Emulator()
    with emu.bridged():
        emu.apply_bridges()  # again: nothing more happens
        with pytest.raises(RuntimeError, match="already bridged by another Emulator"):
            other.apply_bridges()
    with other.bridged():
        pass


def test_the_environment_points_at_the_server_and_is_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://example.invalid")
    before = dict(os.environ)

    with Emulator("eu-west-1") as emu:
        assert emu.endpoint.startswith("http://127.0.0.1:")
        assert {k: os.environ[k] for k in emu.env} == emu.env
        assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"
        assert "AWS_PROFILE" not in os.environ

    assert dict(os.environ) == before


def test_production_path_on_the_mini_stack(tmp_path: Path) -> None:
    """Gaps 1-9 together: the real CLI deploys nested stacks; S3 -> Lambda -> Step Functions
    -> DynamoDB runs; failed attempts are retried; a no-change redeploy succeeds."""
    build = write_build(tmp_path)
    with Emulator() as emu:
        deploy.bootstrap("mini", emu.region, FIXTURE)
        package.package("mini", emu.region, FIXTURE, build)
        outputs = deploy.deploy("mini", emu.region, build_dir=build)
        assert deploy.deploy("mini", emu.region, build_dir=build) == outputs  # no change: success
        emu.faults.inject("minifn", times=2, key_contains="raw/flaky.csv")

        boto3.client("s3").put_object(Bucket=outputs["BucketName"], Key="raw/flaky.csv", Body=b"x")
        ddb = boto3.client("dynamodb")
        for _ in range(100):
            items = ddb.scan(TableName=outputs["TableName"])["Items"]
            if items:
                break
            time.sleep(0.05)
        with pytest.raises(deploy.DeployError):
            deploy.run_aws("cloudformation", "delete-stack", "--stack-name", "mini")

    assert [i["status"]["S"] for i in items] == ["SUCCEEDED"]
    assert items[0]["process_start_time"]["S"].endswith("Z")
    calls = emu.invocations("-Function-", key_contains="flaky")
    assert [c.ok for c in calls][-3:] == [False, False, True]
    assert "versionId" in calls[0].event["Records"][0]["s3"]["object"]
