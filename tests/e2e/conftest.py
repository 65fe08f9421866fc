"""One pipeline deployed on the embedded emulator for the whole e2e package.

The stack is built from the generated templates and the real function code through the
production path (bootstrap, package, `aws cloudformation deploy`), once; every test uses its
own key prefix, and the invariants of docs/pipeline.md (tools/invariants.py) are checked after
each test for every version it uploaded.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import boto3
import pytest
from botocore.exceptions import ClientError

from contract.payloads import ExecutionInput
from functions.common import attempts
from functions.common.naming import execution_name
from stacks.names import Output
from tests.e2e import iam
from tools import invariants, local, pipeline_state
from tools.emulator import Emulator
from tools.emulator.api_faults import ApiFaults, CallLog

E2E = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a session that mixes e2e and unit tests: run them as two processes.

    The emulator patches moto process-wide and its executions and notifications run on
    threads that can outlive its teardown, so a unit test in the same process could see a
    patched moto (`make test` runs `make unit`, then `make e2e`).
    """
    mixed = [item.nodeid for item in items if E2E not in Path(item.path).parents]
    if mixed:
        raise pytest.UsageError(
            f"tests/e2e runs in its own pytest process (`make e2e`); this session also "
            f"collected {len(mixed)} other test(s), e.g. {mixed[0]}: run `make unit` for those"
        )
    iam.run_accounting_last(items)
    config.stash[iam.WHOLE_SUITE] = iam.whole_suite(config, items)


@dataclass
class Pipeline:
    """The deployed stack, the emulator it runs on (faults, invocations), helpers to drive it."""

    emulator: Emulator
    outputs: dict[str, str]
    queue_url: str
    api_faults: ApiFaults
    call_log: CallLog
    notifications: list[dict[str, Any]] = field(default_factory=list)
    uploads: list[invariants.Upload] = field(default_factory=list)  # by the current test

    @property
    def bucket(self) -> str:
        return self.outputs[Output.BUCKET_NAME]

    @property
    def table(self) -> str:
        return self.outputs[Output.TABLE_NAME]

    def upload(
        self,
        key: str,
        body: bytes,
        *,
        quarantined: bool = False,
        waived: tuple[str, ...] = (),
        tagging: str = "",
        lose_event: bool = False,
    ) -> str:
        """Put an object under raw/ (the notification starts the pipeline); remember the version.

        ``quarantined``: the test makes a valid file fail on purpose; ``waived``: verdict
        categories the test breaks on purpose and asserts itself; ``tagging``: the object's
        tags as S3's query string (``k=v&k2=v2``); ``lose_event``: S3's notification of this
        upload is dropped (nothing starts until the sweeper does, docs/pipeline.md §9).
        """
        if lose_event:
            # S3 events carry the key URL-encoded, as quote_plus does ("/" is %2F)
            self.emulator.faults.lose_events(f'"key": "{quote_plus(key)}"')
        extra = {"Tagging": tagging} if tagging else {}
        response = boto3.client("s3").put_object(Bucket=self.bucket, Key=key, Body=body, **extra)
        self.uploads.append(
            invariants.Upload(
                key, response.get("VersionId", ""), "", body, quarantined, frozenset(waived)
            )
        )
        return key

    def execution_arn(self, upload: invariants.Upload) -> str:
        """The execution of one upload (its name is derived from bucket, key and version)."""
        etag = hashlib.md5(upload.body, usedforsecurity=False).hexdigest()
        name = execution_name(self.bucket, upload.key, upload.version_id, etag)
        return pipeline_state.execution_arn(self.outputs[Output.STATE_MACHINE_ARN], name)

    def finish(self, timeout: float = 60.0) -> dict[str, str]:
        """Wait until every upload's execution (its latest attempt) has ended; statuses by key."""
        arns = {self.execution_arn(u): u.key for u in self.uploads}
        statuses = pipeline_state.wait_for_executions(list(arns), timeout)
        latest = {self.latest_attempt(u): u.key for u in self.uploads}
        latest = {arn: key for arn, key in latest.items() if arn and arn not in arns}
        statuses |= pipeline_state.wait_for_executions(list(latest), timeout)
        arns |= latest
        return {arns[arn]: status for arn, status in statuses.items()}

    def latest_attempt(self, upload: invariants.Upload) -> str:
        """The ARN of the upload's latest attempt (a sweep's or replay's), "" if none started."""
        etag = hashlib.md5(upload.body, usedforsecurity=False).hexdigest()
        found = attempts.lookup(
            boto3.client("stepfunctions"),
            self.outputs[Output.STATE_MACHINE_ARN],
            ExecutionInput.of(self.bucket, upload.key, upload.version_id, etag, ""),
        )
        return found.latest_arn

    def sweep(self, prefix: str) -> dict[str, Any]:
        """Run the sweeper over ``prefix`` now, as its schedule would (age threshold 0)."""
        response = boto3.client("lambda").invoke(
            FunctionName=self.outputs[Output.SWEEPER_FUNCTION_NAME],
            Payload=json.dumps({"prefix": prefix, "older_than_seconds": 0}),
        )
        result: dict[str, Any] = json.loads(response["Payload"].read())
        assert "FunctionError" not in response, result
        return result

    def wait(self, keys: list[str], timeout: float = 60.0) -> dict[str, pipeline_state.FileResult]:
        """Every key's outcome (status, rows, where it went) once its executions ended."""
        self.finish(timeout)
        return pipeline_state.wait_for_outcomes(self.bucket, self.table, keys, 1.0)

    def items(self, key: str) -> list[dict[str, Any]]:
        """The metadata items of one file."""
        return [i for i in pipeline_state.metadata_items(self.table) if i["file_name"] == key]

    def exists(self, key: str) -> bool:
        """Whether the bucket holds ``key`` now."""
        try:
            boto3.client("s3").head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in {"404", "NoSuchKey"}:
                return False
            raise
        return True

    def read(self, key: str) -> bytes:
        return bytes(boto3.client("s3").get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def messages_for(self, key: str) -> list[dict[str, Any]]:
        """SNS notifications about one file (delivered so far)."""
        self.notifications += pipeline_state.drain_notifications(self.queue_url)
        return [
            n
            for n in self.notifications
            if isinstance(n["message"], dict) and n["message"].get("file") == key
        ]

    def sequencers(self) -> dict[str, str]:
        """The S3 sequencer of every version the validation function was notified of."""
        found: dict[str, str] = {}
        for invocation in self.emulator.invocations("validation"):
            for record in (
                invocation.event.get("Records", []) if isinstance(invocation.event, dict) else []
            ):
                obj = record.get("s3", {}).get("object", {})
                if obj.get("versionId"):
                    found[obj["versionId"]] = obj.get("sequencer", "")
        return found

    def verdicts(self) -> list[invariants.Verdict]:
        """The invariant verdict of every upload of the current test (after ``finish``)."""
        time.sleep(0.2)  # let the last SNS -> SQS deliveries land
        self.messages_for("")
        sequencers = self.sequencers()
        uploads = [replace(u, sequencer=sequencers.get(u.version_id, "")) for u in self.uploads]
        state = invariants.read_state(
            self.bucket,
            pipeline_state.metadata_items(self.table),
            self.notifications,
            [u.key for u in uploads],
            self.call_log.snapshot(),
        )
        state.lost_publishes = self.api_faults.fired.count(("sns", "Publish", "lost response"))
        return invariants.check(uploads, state)


@pytest.fixture(scope="package")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """Deploy once per e2e run; tear the emulator down at the end."""
    build_dir = tmp_path_factory.mktemp("build")
    with Emulator() as emulator:
        # The layer is never executed on the emulator: the placeholder keeps 46 MB out of memory.
        outputs = local.deploy_pipeline(emulator.region, build_dir, real_layer=False)
        queue_url = pipeline_state.subscribe_capture_queue(outputs[Output.TOPIC_ARN])
        yield Pipeline(
            emulator, outputs, queue_url, ApiFaults(emulator.calls), CallLog(emulator.calls)
        )


@pytest.fixture
def prefix(request: pytest.FixtureRequest) -> str:
    """A unique raw/ folder for the test."""
    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40]
    return f"raw/{name}-{uuid.uuid4().hex[:8]}/"


@pytest.fixture(autouse=True)
def no_iam_denials(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test (and its invariant check): no call was denied by IAM meanwhile."""
    if "pipeline" not in request.fixturenames:
        yield
        return
    ledger = request.getfixturevalue("pipeline").emulator.iam
    mark = ledger.mark()
    yield
    denials = ledger.denials(since=mark)
    if denials:
        pytest.fail(iam.denial_report(denials))


@pytest.fixture(autouse=True)
def invariant(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test, every upload's verdict (tools/invariants.py) is "ok": one correct
    outcome, exact record, one notification per failure, raw/ empty, outcome before delete."""
    if "pipeline" not in request.fixturenames:
        yield
        return
    pipe: Pipeline = request.getfixturevalue("pipeline")
    pipe.uploads = []
    yield
    pipe.api_faults.clear()
    if not pipe.uploads:
        return
    pipe.finish()
    broken = [
        f"{v.upload.key} ({v.upload.version_id}): {v.category}: {v.detail}"
        for v in pipe.verdicts()
        if v.category != invariants.OK
    ]
    assert broken == [], broken


def csv_bytes(
    rows: list[str], header: str = "transaction_id,customer_id,amount,timestamp"
) -> bytes:
    """A CSV file body from a header and rows."""
    return ("\n".join([header, *rows]) + "\n").encode()
