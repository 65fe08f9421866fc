"""IAM on the deployed pipeline: the paths that need each permission, and the accounting.

Every call of a function or the state machine runs with a session of its own role and is
authorized by the emulator (a denial fails the test it happened in, conftest.py). The last
test compares the statements that allowed something with tests/stacks/permissions.py.
"""

from __future__ import annotations

import json

import boto3
import pytest

import generate
from tests.e2e import iam
from tests.e2e.conftest import Pipeline, csv_bytes
from tests.stacks.permissions import EXERCISED, REVIEWED
from tools import local

pytestmark = pytest.mark.e2e

VALID = csv_bytes(["T1,C1,1.00,2024-11-01T09:02:11Z"])
INVALID = csv_bytes(["T1,C1,10.00,2024-02-30T08:00:00Z"])


def _tags(pipeline: Pipeline, key: str) -> dict[str, str]:
    tags = boto3.client("s3").get_object_tagging(Bucket=pipeline.bucket, Key=key)["TagSet"]
    return {t["Key"]: t["Value"] for t in tags}


def test_a_tagged_invalid_file_reaches_failed_with_its_tags(
    pipeline: Pipeline, prefix: str
) -> None:
    # CopyObject copies tags by default, which reads them on the source version and writes
    # them on the copy: without both permissions the file would stay under raw/.
    key = pipeline.upload(f"{prefix}tagged.csv", INVALID, tagging="source=pos&batch=7")

    result = pipeline.wait([key])[key]

    failed = f"failed/{key.removeprefix('raw/')}"
    assert (result.status, result.outcome, result.problem) == ("FAILED", failed, "")
    assert pipeline.read(failed) == INVALID
    assert _tags(pipeline, failed) == {"source": "pos", "batch": "7"}


def test_a_tagged_file_quarantined_by_the_workflow_keeps_its_tags(
    pipeline: Pipeline, prefix: str
) -> None:
    # The failure path copies with Step Functions' S3 integration, as the state machine's
    # role: it too needs the version's tags read and the copy's tags written.
    key = f"{prefix}tagged-crash.csv"
    pipeline.emulator.faults.inject("transformation", times=100, key_contains=key)
    pipeline.upload(key, VALID, quarantined=True, tagging="source=pos")

    result = pipeline.wait([key])[key]

    failed = f"failed/{key.removeprefix('raw/')}"
    assert (result.status, result.outcome) == ("FAILED", failed)
    assert pipeline.read(failed) == VALID
    assert _tags(pipeline, failed) == {"source": "pos"}


def _invoke(pipeline: Pipeline, function: str, payload: dict[str, str]) -> dict[str, object]:
    response = boto3.client("lambda").invoke(
        FunctionName=pipeline.outputs[function], Payload=json.dumps(payload)
    )
    assert "FunctionError" not in response, response["Payload"].read()
    return dict(json.loads(response["Payload"].read()))


def _task(pipeline: Pipeline, key: str) -> dict[str, str]:
    (item,) = pipeline.items(key)
    return {
        "bucket": pipeline.bucket,
        "key": key,
        "version_id": item["version_id"],
        "execution_arn": item["execution_arn"],
    }


def test_a_transformation_retry_after_success_answers_from_processed(
    pipeline: Pipeline, prefix: str
) -> None:
    # The staged output is gone: its HEAD answers 404 only with s3:ListBucket (403 without),
    # and the recorded output under processed/ answers for it (s3:GetObject there), with
    # the figures and proof it was written with.
    key = pipeline.upload(f"{prefix}done.csv", VALID)
    assert pipeline.wait([key])[key].status == "SUCCEEDED"

    again = _invoke(pipeline, "TransformationFunctionName", _task(pipeline, key))

    (item,) = pipeline.items(key)
    assert again == {
        "output_key": f"processed/{key.removeprefix('raw/')}",
        "rows_total": 1,
        "rows_valid": 1,
        "rows_rejected": 0,
        "superseded": False,
        "amount_total": item["amount_total"],
        "source_sha256": item["source_sha256"],
        "output_sha256": item["output_sha256"],
    }


def test_a_validation_retry_after_an_invalid_file_answers_from_its_report(
    pipeline: Pipeline, prefix: str
) -> None:
    key = pipeline.upload(f"{prefix}bad.csv", INVALID)
    assert pipeline.wait([key])[key].status == "FAILED"

    again = _invoke(
        pipeline, "ValidationFunctionName", {"action": "validate", **_task(pipeline, key)}
    )

    assert again["valid"] is False
    assert again["outcome_key"] == f"failed/{key.removeprefix('raw/')}"


@pytest.mark.filterwarnings("ignore:Tried to parse AWS::")  # moto re-reads the templates
def test_every_permission_the_roles_hold_is_exercised_or_reviewed(
    pipeline: Pipeline, request: pytest.FixtureRequest
) -> None:
    # Runs last (conftest.py), when every other test's calls are in the ledger.
    if not request.config.stash.get(iam.WHOLE_SUITE, False):
        pytest.skip("only a run of the whole e2e suite exercises every permission")
    if request.session.testsfailed:
        pytest.skip("an earlier test failed: the exercised set is incomplete")
    roles = iam.role_templates(local.STACK_NAME)
    templates = {name: json.loads(text) for name, text in generate.render().items()}

    exercised = iam.exercised_pairs(pipeline.emulator.iam.grants(), roles, templates)

    assert set(exercised) == set(EXERCISED)
    for role, pairs in exercised.items():
        reviewed_but_used = pairs & set(REVIEWED[role])
        assert not reviewed_but_used, f"{role}: exercised after all, move to EXERCISED"
        assert pairs == EXERCISED[role], (
            f"{role}: never exercised {sorted(EXERCISED[role] - pairs)}; "
            f"exercised but not pinned {sorted(pairs - EXERCISED[role])}"
        )
