"""A failed first deploy of the real templates rolls back cleanly, and the retry succeeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from stacks.names import Output
from tests.e2e.conftest import Pipeline
from tools import deploy, local, package

pytestmark = pytest.mark.e2e

STACK = "etl-retry"
PARAMETERS = {"ProjectName": STACK}  # its own names, beside the suite's pipeline


def _fail_creating_the_state_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The orchestration stack fails: created after the data stores, as on AWS at worst."""
    from moto.stepfunctions.models import StateMachine

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("injected: the state machine cannot be created")

    monkeypatch.setattr(StateMachine, "create_from_cloudformation_json", broken)


def _names() -> dict[str, list[str]]:
    return {
        "buckets": [
            b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"] if STACK in b["Name"]
        ],
        "queues": [u for u in boto3.client("sqs").list_queues().get("QueueUrls", []) if STACK in u],
        "tables": [t for t in boto3.client("dynamodb").list_tables()["TableNames"] if STACK in t],
    }


@pytest.mark.filterwarnings("ignore:Tried to parse AWS::")
def test_a_failed_first_deploy_leaves_nothing_that_blocks_the_retry(
    pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    region = pipeline.emulator.region
    local.build_functions(tmp_path, real_layer=False)
    deploy.bootstrap(STACK, region)
    package.package(STACK, region, build_dir=tmp_path)
    artifacts = _names()["buckets"]  # the bootstrap stack's bucket

    with monkeypatch.context() as patched:
        _fail_creating_the_state_machine(patched)
        with pytest.raises(deploy.DeployError):
            deploy.deploy(STACK, region, stage="dev", extra=PARAMETERS, build_dir=tmp_path)

    cfn = boto3.client("cloudformation")
    assert cfn.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"] == "ROLLBACK_COMPLETE"
    left = _names()
    # The data bucket (fixed name), the access-log bucket and the DLQ are rolled back; only
    # the deletion-protected table stays (empty, generated name: it cannot collide).
    assert left["buckets"] == artifacts and left["queues"] == []
    assert len(left["tables"]) == 1

    outputs = deploy.deploy(STACK, region, stage="dev", extra=PARAMETERS, build_dir=tmp_path)

    assert outputs[Output.BUCKET_NAME] == f"{STACK}-dev-data-123456789012-{region}"
    assert cfn.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
