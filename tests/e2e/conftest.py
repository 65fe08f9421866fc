"""One pipeline deployed on the embedded emulator for the whole e2e package.

The stack is built from the generated templates and the real function code through the
production path (bootstrap, package, `aws cloudformation deploy`), once; every test uses its
own key prefix, and the invariant of docs/pipeline.md §1.4 is checked after each test for the keys it
uploaded.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

from contract.metadata import TERMINAL
from stacks.names import Output
from tests.e2e import iam
from tools import local, pipeline_state
from tools.emulator import Emulator

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
    notifications: list[dict[str, Any]] = field(default_factory=list)
    uploaded: list[str] = field(default_factory=list)  # keys uploaded by the current test

    @property
    def bucket(self) -> str:
        return self.outputs[Output.BUCKET_NAME]

    @property
    def table(self) -> str:
        return self.outputs[Output.TABLE_NAME]

    def upload(self, key: str, body: bytes) -> str:
        """Put an object under raw/ (the notification starts the pipeline)."""
        boto3.client("s3").put_object(Bucket=self.bucket, Key=key, Body=body)
        self.uploaded.append(key)
        return key

    def wait(self, keys: list[str], timeout: float = 30.0) -> dict[str, pipeline_state.FileResult]:
        """Every key's outcome (status, rows, where it went, and any invariant problem)."""
        return pipeline_state.wait_for_outcomes(self.bucket, self.table, keys, timeout)

    def items(self, key: str) -> list[dict[str, Any]]:
        """The metadata items of one file."""
        return [i for i in pipeline_state.metadata_items(self.table) if i["file_name"] == key]

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


@pytest.fixture(scope="package")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """Deploy once per e2e run; tear the emulator down at the end."""
    build_dir = tmp_path_factory.mktemp("build")
    with Emulator() as emulator:
        # The layer is never executed on the emulator: the placeholder keeps 46 MB out of memory.
        outputs = local.deploy_pipeline(emulator.region, build_dir, real_layer=False)
        queue_url = pipeline_state.subscribe_capture_queue(outputs[Output.TOPIC_ARN])
        yield Pipeline(emulator, outputs, queue_url)


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
    """After each test: every uploaded key in exactly one of processed/ or failed/, raw/ empty
    for it, one metadata item per upload (docs/pipeline.md §1.4)."""
    if "pipeline" not in request.fixturenames:
        yield
        return
    pipe: Pipeline = request.getfixturevalue("pipeline")
    pipe.uploaded = []
    yield
    keys = list(dict.fromkeys(pipe.uploaded))
    if not keys:
        return
    results = pipe.wait(keys)
    raw_left = set(pipeline_state.list_keys(pipe.bucket, "raw/")) & set(keys)
    assert not raw_left, f"left under raw/: {raw_left}"
    outcomes = set(pipeline_state.list_keys(pipe.bucket, "processed/")) | set(
        pipeline_state.list_keys(pipe.bucket, "failed/")
    )
    items = pipeline_state.metadata_items(pipe.table)
    for key in keys:
        rel = key.removeprefix("raw/")
        places = [p for p in (f"processed/{rel}", f"failed/{rel}") if p in outcomes]
        assert len(places) == 1, f"{key}: outcome objects {places}"
        attempts = [i for i in items if i["file_name"] == key]
        assert len(attempts) == pipe.uploaded.count(key), f"{key}: one item per attempt"
        assert results[key].status in TERMINAL


def csv_bytes(
    rows: list[str], header: str = "transaction_id,customer_id,amount,timestamp"
) -> bytes:
    """A CSV file body from a header and rows."""
    return ("\n".join([header, *rows]) + "\n").encode()
