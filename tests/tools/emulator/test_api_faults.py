"""API-level faults: only the pipeline's calls, by rule, seeded; and the call log's order."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws

from tests.tools.emulator.helpers import REGION
from tools.emulator import Emulator
from tools.emulator.api_faults import ApiFaults, CallLog
from tools.emulator.principals import Kind, Principal

FUNCTION = Principal(Kind.FUNCTION, "validation", "arn:aws:iam::123456789012:role/v")


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """Faults, not permissions, are under test: the made-up role has no policies."""
    emulator = Emulator(REGION, enforce_iam=False)
    yield emulator
    emulator.stop()


def _client(emu: Emulator, service: str, principal: Principal | None) -> object:
    if principal is None:
        return boto3.client(service, region_name=REGION)
    creds = emu.principals.credentials(principal)
    return boto3.client(
        service,
        region_name=REGION,
        aws_access_key_id=creds.access_key,
        aws_secret_access_key=creds.secret_key,
        aws_session_token=creds.session_token,
        config=Config(retries={"total_max_attempts": 1}),  # each call meets the dice once
    )


def test_a_rule_refuses_only_the_pipelines_matching_calls(emu: Emulator) -> None:
    with emu.bridged(), mock_aws():
        faults = ApiFaults(emu.calls)
        harness, function = _client(emu, "s3", None), _client(emu, "s3", FUNCTION)
        harness.create_bucket(Bucket="apifaults")  # type: ignore[attr-defined]
        # A code botocore does not retry, so the one refusal reaches the caller.
        rule = faults.inject(
            service="s3",
            operation="PutObject",
            key_contains="raw/",
            times=1,
            error="InvalidRequest",
            status=400,
        )

        harness.put_object(Bucket="apifaults", Key="raw/a", Body=b"")  # type: ignore[attr-defined]
        function.put_object(Bucket="apifaults", Key="other/a", Body=b"")  # type: ignore[attr-defined]
        with pytest.raises(Exception, match="InvalidRequest"):
            function.put_object(Bucket="apifaults", Key="raw/b", Body=b"")  # type: ignore[attr-defined]
        function.put_object(Bucket="apifaults", Key="raw/c", Body=b"")  # type: ignore[attr-defined]

        assert rule.hits == 1 and faults.fired == [("s3", "PutObject", "error")]


def test_probability_faults_repeat_with_their_seed(emu: Emulator) -> None:
    def run(seed: int) -> list[bool]:
        with emu.bridged(), mock_aws():
            faults = ApiFaults(emu.calls, seed=seed)
            client = _client(emu, "sqs", FUNCTION)
            faults.inject(service="sqs", probability=0.5, error="RequestThrottled")
            outcomes = []
            for _ in range(20):
                try:
                    client.list_queues()  # type: ignore[attr-defined]
                    outcomes.append(True)
                except Exception:
                    outcomes.append(False)
            emu.calls.before.clear()
            emu.calls.after.clear()
            return outcomes

    first = run(7)
    assert run(7) == first and run(8) != first and True in first and False in first


def test_the_call_log_keeps_the_order_and_moto_status_of_pipeline_calls() -> None:
    with Emulator(REGION, enforce_iam=False) as emu:
        log = CallLog(emu.calls)
        faults = ApiFaults(emu.calls)
        function = _client(emu, "s3", FUNCTION)
        boto3.client("s3").create_bucket(Bucket="calllog")
        faults.inject(service="s3", operation="DeleteObject", lose_response=True, times=1)
        function.put_object(Bucket="calllog", Key="k", Body=b"")  # type: ignore[attr-defined]
        # The delete happens, but its caller sees the 500 of a lost response.
        with pytest.raises(Exception, match="InternalError"):
            function.delete_object(Bucket="calllog", Key="k")  # type: ignore[attr-defined]

        calls = [(c.operation, c.status) for c in log.snapshot()]
        assert calls == [("PutObject", 200), ("DeleteObject", 204)]  # moto's own answer
        assert "Contents" not in boto3.client("s3").list_objects_v2(Bucket="calllog")
        assert faults.fired == [("s3", "DeleteObject", "lost response")]


def test_a_held_call_waits_for_its_condition_not_for_the_clock(emu: Emulator) -> None:
    """``until`` orders two writers: the held call goes on only once the condition holds."""
    with emu.bridged(), mock_aws():
        faults = ApiFaults(emu.calls)
        harness, function = _client(emu, "s3", None), _client(emu, "s3", FUNCTION)
        harness.create_bucket(Bucket="apifaults")  # type: ignore[attr-defined]
        checks: list[bool] = []

        def overtaken() -> bool:
            checks.append(len(checks) >= 3)  # true on the fourth look
            return checks[-1]

        faults.inject(
            service="s3",
            operation="PutObject",
            times=1,
            latency=60.0,
            until=overtaken,
            only_latency=True,
        )
        function.put_object(Bucket="apifaults", Key="raw/a", Body=b"")  # type: ignore[attr-defined]

        assert checks == [False, False, False, True]
        assert faults.fired == [("s3", "PutObject", "latency")]
