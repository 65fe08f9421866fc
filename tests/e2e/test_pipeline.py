"""End to end on the embedded emulator: generated templates, real state machine, real code."""

from __future__ import annotations

import json
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest

from tests.e2e.conftest import Pipeline, csv_bytes

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
VALID = csv_bytes(
    [
        'T1,C1,"1,250.5",2024-11-01T09:02:11+01:00',
        "T2,C2,-3,2024-11-01",
        "T3,C3,0.99,1730454600",
    ]
)
INVALID = csv_bytes(["T1,C1,10.00,2024-02-30T08:00:00Z"])


def _executions_for(key: str) -> list[dict[str, object]]:
    sfn = boto3.client("stepfunctions")
    found = []
    for machine in sfn.list_state_machines()["stateMachines"]:
        for execution in sfn.list_executions(stateMachineArn=machine["stateMachineArn"])[
            "executions"
        ]:
            described = sfn.describe_execution(executionArn=execution["executionArn"])
            if json.loads(described["input"]).get("key") == key:
                found.append(described)
    return found


def test_valid_file_is_transformed_into_processed(pipeline: Pipeline, prefix: str) -> None:
    key = pipeline.upload(f"{prefix}sales.csv", VALID)

    result = pipeline.wait([key])[key]

    assert (result.status, result.rows, result.rejected, result.problem) == ("SUCCEEDED", 3, 0, "")
    rel = key.removeprefix("raw/")
    lines = pipeline.read(f"processed/{rel}").decode().splitlines()
    assert lines[0] == "transaction_id,customer_id,amount,timestamp"
    assert lines[1:] == [
        "T1,C1,1250.50,2024-11-01T08:02:11Z",
        "T2,C2,-3.00,2024-11-01T00:00:00Z",
        "T3,C3,0.99,2024-11-01T09:50:00Z",
    ]
    (item,) = pipeline.items(key)
    assert item["status"] == "SUCCEEDED" and "error_message" not in item
    assert item["process_start_time"].endswith("Z") and item["execution_arn"]
    assert pipeline.messages_for(key) == []


def test_invalid_file_is_quarantined_with_report_and_one_notification(
    pipeline: Pipeline, prefix: str
) -> None:
    key = pipeline.upload(f"{prefix}bad-date.csv", INVALID)

    result = pipeline.wait([key])[key]

    rel = key.removeprefix("raw/")
    assert result.status == "FAILED" and result.problem == ""
    assert pipeline.read(f"failed/{rel}") == INVALID  # the original bytes, unchanged
    report = json.loads(pipeline.read(f"failed/{rel}.error.json"))
    assert "2024-02-30" in json.dumps(report)
    (item,) = pipeline.items(key)
    assert item["status"] == "FAILED" and item["error_message"]
    time.sleep(0.2)
    (message,) = pipeline.messages_for(key)
    assert message["subject"] == f"CSV ETL failure: {key}"[:100]
    assert message["message"]["stage"] == "validation" and message["message"]["error"]


def test_transformation_crash_is_retried_then_caught_and_quarantined(
    pipeline: Pipeline, prefix: str
) -> None:
    key = f"{prefix}crash.csv"
    pipeline.emulator.faults.inject("transformation", times=100, key_contains=key)

    pipeline.upload(key, VALID, quarantined=True)
    result = pipeline.wait([key])[key]

    rel = key.removeprefix("raw/")
    assert result.status == "FAILED" and result.outcome == f"failed/{rel}"
    assert pipeline.read(f"failed/{rel}") == VALID
    attempts = pipeline.emulator.invocations("transformation", key_contains=key)
    assert len(attempts) == 4 and not any(a.ok for a in attempts)  # 1 try + 3 retries (States.ALL)
    (item,) = pipeline.items(key)
    assert item["status"] == "FAILED" and "InjectedFault" in item["error_message"]
    report = json.loads(pipeline.read(f"failed/{rel}.error.json"))
    assert (report["outcome"], report["stage"]) == ("quarantined", "transformation")
    time.sleep(0.2)
    (message,) = pipeline.messages_for(key)
    assert message["message"]["stage"] == "transformation"


def test_transient_transformation_failure_then_success(pipeline: Pipeline, prefix: str) -> None:
    key = f"{prefix}flaky.csv"
    pipeline.emulator.faults.inject("transformation", times=1, key_contains=key, error_type="Lambda.ServiceException")  # fmt: skip

    pipeline.upload(key, VALID)
    result = pipeline.wait([key])[key]

    assert result.status == "SUCCEEDED" and result.problem == ""
    outcomes = [a.ok for a in pipeline.emulator.invocations("transformation", key_contains=key)]
    assert outcomes == [False, True]
    assert pipeline.messages_for(key) == []


def test_same_s3_event_delivered_twice_starts_one_execution(
    pipeline: Pipeline, prefix: str
) -> None:
    key = pipeline.upload(f"{prefix}twice.csv", VALID)
    pipeline.wait([key])
    folder = prefix.split("/")[1]  # S3 events carry the key URL-encoded ("/" is %2F)
    (delivered,) = [
        i.event
        for i in pipeline.emulator.invocations("validation", key_contains=folder)
        if "Records" in i.event
    ]

    function = pipeline.outputs["ValidationFunctionName"]
    response = boto3.client("lambda").invoke(FunctionName=function, Payload=json.dumps(delivered))

    assert "FunctionError" not in response
    assert json.loads(response["Payload"].read())["already_started"] == 1
    assert len(_executions_for(key)) == 1
    assert len(pipeline.items(key)) == 1


def test_fifty_files_at_once_each_reach_exactly_one_outcome(
    pipeline: Pipeline, prefix: str
) -> None:
    bodies = {f"{prefix}batch/{n:02d}.csv": (INVALID if n % 5 == 0 else VALID) for n in range(50)}

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda kv: pipeline.upload(*kv), bodies.items()))
    # A wait, not a timed assertion: on a loaded 2-core machine 50 files can take minutes.
    results = pipeline.wait(list(bodies), timeout=240)

    assert [(k, r.problem) for k, r in results.items() if r.problem] == []
    statuses = [r.status for r in results.values()]
    assert statuses.count("FAILED") == 10 and statuses.count("SUCCEEDED") == 40


@pytest.mark.slow
def test_make_local_runs_the_samples_and_writes_out_local() -> None:
    run = subprocess.run(["make", "local"], cwd=REPO, capture_output=True, text=True, timeout=120, check=False)  # fmt: skip

    assert run.returncode == 0, run.stdout + run.stderr
    assert "total: 6 files, 2 processed, 4 failed" in run.stdout
    assert re.search(r"^IAM: [1-9]\d* allowed, 0 denied$", run.stdout, re.MULTILINE)
    out = REPO / "out" / "local"
    assert (out / "processed" / "2024" / "11" / "15" / "pos_export.csv").is_file()
    assert (out / "failed" / "rejected" / "latin1_not_utf8.csv").read_bytes() == (
        REPO / "samples" / "rejected" / "latin1_not_utf8.csv"
    ).read_bytes()
    items = json.loads((out / "metadata.json").read_text())
    assert sorted(i["status"] for i in items) == ["FAILED"] * 4 + ["SUCCEEDED"] * 2
    notifications = json.loads((out / "notifications.json").read_text())
    assert len(notifications) == 4
