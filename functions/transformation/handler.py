"""Transformation function: raw/<path> -> processed/<path> through the core, then delete raw/.

The output is written only if processed/<path> does not hold a newer upload's output
(``functions.common.conditional``): an older upload that finishes later is superseded, not
written. Idempotent: a retry after success (raw/ gone, processed/ written from the same
version) returns the recorded counts without rewriting anything.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from contract.environment import METRICS_NAMESPACE
from contract.payloads import TaskRequest, TransformResult
from functions.common import conditional, s3, tracing
from functions.common.clients import client
from functions.common.config import TransformationSettings
from functions.common.events import (
    MAX_MESSAGE_BYTES,
    SourceMissingError,
    TransformationError,
    truncate_utf8,
)
from functions.core import process_file

logger = Logger()
tracer = tracing.tracer()
metrics = Metrics(namespace=METRICS_NAMESPACE)

_COUNTS = ("rows_total", "rows_valid", "rows_rejected")
# /tmp holds the source and the output, which can be longer (normalized timestamps, amounts).
SPACE_FACTOR = 2.5


@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Transform one validated object version; raise on anything unexpected (the workflow retries)."""
    settings = TransformationSettings.from_env(os.environ)
    if not isinstance(event, dict):
        raise ValueError(f"unsupported event: expected a JSON object, got {type(event).__name__}")
    return transform(TaskRequest.from_event(event), settings).to_dict()


def transform(req: TaskRequest, settings: TransformationSettings) -> TransformResult:
    """raw/ version -> processed/ through the core; the original is deleted only after."""
    logger.set_correlation_id(req.execution_arn or req.key)
    logger.append_keys(file=req.key, bucket=req.bucket, version_id=req.version_id)
    tracer.put_annotation("file", req.key)
    s3_client = client("s3")
    with tempfile.TemporaryDirectory(prefix="transform-") as tmp:
        source, output = Path(tmp, "source.csv"), Path(tmp, "output.csv")
        try:
            with tracer.provider.in_subsegment("## s3.download"):
                size = s3.download(
                    s3_client,
                    req.bucket,
                    req.key,
                    req.version_id,
                    source,
                    space_factor=SPACE_FACTOR,
                )
        except s3.ObjectMissingError:
            return _already_processed(s3_client, req)
        metrics.add_metric(name="BytesRead", unit=MetricUnit.Bytes, value=size)
        with tracer.provider.in_subsegment("## core.process_file"):
            outcome = process_file(source, output, config=settings.core)
        if not outcome.ok:
            # Validation passed this version, so the data did not change: a core/config mismatch.
            raise TransformationError(
                truncate_utf8(
                    f"s3://{req.bucket}/{req.key} failed transformation: {outcome.error_summary()}",
                    MAX_MESSAGE_BYTES,
                )
            )
        counts = {name: int(getattr(outcome, name)) for name in _COUNTS}
        figures = {name.replace("_", "-"): str(value) for name, value in counts.items()}
        with tracer.provider.in_subsegment("## s3.upload_if_newest"):
            written = conditional.write_if_newest(
                s3_client,
                req.bucket,
                req.keys.processed,
                _upload(req),
                conditional.upload_file(
                    s3_client, output, req.bucket, req.keys.processed, "text/csv", figures
                ),
            )
        if written is conditional.Written.WRITTEN:
            metrics.add_metric(
                name="BytesWritten", unit=MetricUnit.Bytes, value=output.stat().st_size
            )
    # The output is durable now (or a newer upload's is); only then does the original go.
    with tracer.provider.in_subsegment("## s3.delete_raw"):
        s3.delete(s3_client, req.bucket, req.key, req.version_id)
    if written is conditional.Written.SUPERSEDED:
        metrics.add_metric(name="FilesSuperseded", unit=MetricUnit.Count, value=1)
        logger.info("superseded: processed/ holds a newer upload's output", extra=counts)
        return TransformResult.of("", counts, superseded=True)
    metrics.add_metric(name="FilesTransformed", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RowsProcessed", unit=MetricUnit.Count, value=counts["rows_valid"])
    logger.info("file transformed", extra={"output_key": req.keys.processed, **counts})
    return TransformResult.of(req.keys.processed, counts)


def _upload(req: TaskRequest) -> conditional.Upload:
    return conditional.Upload(req.rank, req.version_id)


def _already_processed(s3_client: Any, req: TaskRequest) -> TransformResult:
    """raw/ is gone: answer from processed/ if it holds this version's output or a newer one."""
    current = conditional.holder(s3_client, req.bucket, req.keys.processed)
    if current is not None and current.upload.version_id == req.version_id:
        logger.info("already transformed; returning the recorded outcome")
        figures = current.metadata
        counts = {name: int(figures.get(name.replace("_", "-"), 0)) for name in _COUNTS}
        return TransformResult.of(req.keys.processed, counts)
    if current is not None and current.upload.rank > req.rank:
        logger.info("already superseded: processed/ holds a newer upload's output")
        return TransformResult(
            output_key="", rows_total=0, rows_valid=0, rows_rejected=0, superseded=True
        )
    raise SourceMissingError(
        f"s3://{req.bucket}/{req.key} (version {req.version_id or 'latest'}) no longer exists "
        f"and {req.keys.processed} does not hold its output"
    )
