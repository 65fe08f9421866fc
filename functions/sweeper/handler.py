"""Sweeper: on a schedule, start the attempt every forgotten upload under raw/ still needs.

An upload's raw/ version is deleted once its outcome is written (docs/pipeline.md §1), so a
version older than the threshold is a leftover: its S3 event was lost, its start went to the
dead-letter queue, or its execution ended without finishing it (§9). For each, the
deterministic attempt names (``functions.common.attempts``) tell whether an execution is in
flight; if none is, the sweeper starts the next attempt with the input the trigger builds,
the sequencer taken from the version's metadata item when one exists ("" otherwise: S3 has no
API for an object's sequencer, and "" ranks lowest, §7). Bounded: at most ``max_starts``
starts per run, and it stops a minute before its timeout; the next run goes on.

A scheduled run sweeps all of raw/ with the stack's threshold. An invocation (an operator's,
the e2e suite's) may narrow it: ``{"prefix": "raw/some/folder/", "older_than_seconds": 0}``.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from contract.environment import METRICS_NAMESPACE
from contract.keys import RAW_PREFIX, triggers_pipeline
from contract.metadata import PARTITION_KEY, Attr
from contract.payloads import ExecutionInput
from functions.common import attempts
from functions.common.clients import TRACED_MODULES, client
from functions.common.config import SweeperSettings

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics(namespace=METRICS_NAMESPACE)

#: Stop starting new work when less than this remains of the invocation's time.
RESERVE_MILLIS = 60_000


@dataclass
class Sweep:
    """What one run found and did (its return value, and the log line)."""

    examined: int = 0  # versions old enough to be leftovers
    in_flight: int = 0  # ... with an execution running: left alone
    started: int = 0  # ... started (the FilesRecovered metric)
    exhausted: int = 0  # ... that already had attempts.MAX_ATTEMPTS attempts: left for a human
    stopped_early: bool = False  # the bound was reached; the next run continues


@dataclass(frozen=True)
class SweepRequest:
    """Which part of raw/ to sweep, and how old a version must be."""

    prefix: str
    older_than: datetime.timedelta

    @classmethod
    def of(cls, event: Mapping[str, Any], settings: SweeperSettings) -> SweepRequest:
        """The scheduled event sweeps raw/ with the stack's threshold; fields may narrow it."""
        prefix = event.get("prefix", RAW_PREFIX)
        if not isinstance(prefix, str) or not prefix.startswith(RAW_PREFIX):
            raise ValueError(f"prefix must be a string starting with {RAW_PREFIX!r}: {prefix!r}")
        seconds = event.get("older_than_seconds", settings.sweep_after_minutes * 60)
        if not isinstance(seconds, int) or seconds < 0:
            raise ValueError(f"older_than_seconds must be a whole number >= 0: {seconds!r}")
        return cls(prefix, datetime.timedelta(seconds=seconds))


@metrics.log_metrics(raise_on_empty_metrics=False)
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Sweep once; the counts, and the FilesRecovered metric."""
    settings = SweeperSettings.from_env(os.environ)
    if not isinstance(event, dict):
        raise ValueError(f"unsupported event: expected a JSON object, got {type(event).__name__}")
    request = SweepRequest.of(event, settings)
    done = sweep(settings, request, lambda: context.get_remaining_time_in_millis())
    metrics.add_metric(name="FilesRecovered", unit=MetricUnit.Count, value=done.started)
    metrics.add_metric(name="FilesExhausted", unit=MetricUnit.Count, value=done.exhausted)
    logger.info("sweep done", extra=asdict(done))
    return asdict(done)


def sweep(settings: SweeperSettings, request: SweepRequest, remaining: Any) -> Sweep:
    """Start the next attempt of every old raw/ version with nothing in flight, within bounds."""
    sfn = client("stepfunctions")
    done = Sweep()
    cutoff = datetime.datetime.now(datetime.UTC) - request.older_than
    for upload in leftovers(settings.bucket, request.prefix, cutoff):
        if done.started >= settings.max_starts or remaining() < RESERVE_MILLIS:
            done.stopped_early = True
            break
        done.examined += 1
        found = attempts.lookup(sfn, settings.state_machine_arn, upload)
        if found.in_flight:
            done.in_flight += 1
        elif found.next >= attempts.MAX_ATTEMPTS:
            done.exhausted += 1
            logger.error("upload still under raw/ after every attempt", extra=_log(upload, found))
        else:
            _start(sfn, settings, upload, found, done)
    return done


def _start(
    sfn: Any, settings: SweeperSettings, upload: ExecutionInput, found: Any, done: Sweep
) -> None:
    upload = with_sequencer(upload, recorded_sequencer(settings.table, upload))
    arn = attempts.start(sfn, settings.state_machine_arn, upload, found.next)
    if not arn:  # started meanwhile (by its S3 event or another run): in flight
        done.in_flight += 1
        return
    done.started += 1
    logger.warning("leftover started", extra={**_log(upload, found), "execution_arn": arn})


def _log(upload: ExecutionInput, found: attempts.Attempts) -> dict[str, Any]:
    return {
        "file": upload.key,
        "version_id": upload.version_id,
        "attempt": found.next,
        "previous_status": found.latest_status,
    }


def leftovers(bucket: str, prefix: str, cutoff: datetime.datetime) -> Iterator[ExecutionInput]:
    """Every version under ``prefix`` that would start the pipeline and is older than ``cutoff``,
    as the trigger's input (no sequencer yet)."""
    pages = (
        client("s3").get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix)
    )
    for page in pages:
        for version in page.get("Versions", []):
            if not triggers_pipeline(version["Key"]) or version["LastModified"] > cutoff:
                continue
            version_id = "" if version.get("VersionId") in (None, "null") else version["VersionId"]
            etag = str(version.get("ETag", "")).strip('"')
            yield ExecutionInput.of(bucket, version["Key"], version_id, etag, "")


def recorded_sequencer(table: str, upload: ExecutionInput) -> str:
    """The S3 sequencer an earlier attempt of this version recorded; "" when none did."""
    pages = (
        client("dynamodb")
        .get_paginator("query")
        .paginate(
            TableName=table,
            KeyConditionExpression="#file = :file",
            ExpressionAttributeNames={"#file": PARTITION_KEY},
            ExpressionAttributeValues={":file": {"S": upload.key}},
        )
    )
    for page in pages:
        for item in page.get("Items", []):
            if item.get(Attr.VERSION_ID, {}).get("S", "") != upload.version_id:
                continue
            sequencer = item.get(Attr.SEQUENCER, {}).get("S", "")
            if sequencer:
                return str(sequencer)
    return ""


def with_sequencer(upload: ExecutionInput, sequencer: str) -> ExecutionInput:
    """The same upload's input carrying ``sequencer`` (and its rank)."""
    return ExecutionInput.of(upload.bucket, upload.key, upload.version_id, upload.etag, sequencer)
