"""Transformation function: raw/<path> -> processed/<path> through the core, then delete raw/.

Idempotent: a retry after success (raw/ gone, processed/ written from the same version)
returns the recorded counts without rewriting anything.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from contract.environment import METRICS_NAMESPACE
from contract.payloads import TaskRequest, TransformResult
from functions.common import s3
from functions.common.clients import TRACED_MODULES, client
from functions.common.config import TransformationSettings
from functions.common.events import (
    MAX_MESSAGE_BYTES,
    SourceMissingError,
    TransformationError,
    truncate_utf8,
)
from functions.core import process_file

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics(namespace=METRICS_NAMESPACE)

_COUNTS = ("rows_total", "rows_valid", "rows_rejected")
# Written as S3 user metadata on the output so a retry can answer without the source.
_SOURCE_VERSION = "source-version-id"
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
        metadata = {name.replace("_", "-"): str(value) for name, value in counts.items()}
        metadata[_SOURCE_VERSION] = req.version_id
        with tracer.provider.in_subsegment("## s3.upload"):
            s3.upload(
                s3_client,
                output,
                req.bucket,
                req.keys.processed,
                content_type="text/csv",
                metadata=metadata,
            )
        metrics.add_metric(name="BytesWritten", unit=MetricUnit.Bytes, value=output.stat().st_size)
    # The output is durable now; only then does the original go.
    with tracer.provider.in_subsegment("## s3.delete_raw"):
        s3.delete(s3_client, req.bucket, req.key, req.version_id)
    metrics.add_metric(name="FilesTransformed", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RowsProcessed", unit=MetricUnit.Count, value=counts["rows_valid"])
    logger.info("file transformed", extra={"output_key": req.keys.processed, **counts})
    return TransformResult(output_key=req.keys.processed, **counts)


def _already_processed(s3_client: Any, req: TaskRequest) -> TransformResult:
    """raw/ is gone: succeed only if processed/ holds the output of this very version."""
    head = s3.head(s3_client, req.bucket, req.keys.processed)
    metadata = (head or {}).get("Metadata", {})
    if head is None or metadata.get(_SOURCE_VERSION, "") != req.version_id:
        raise SourceMissingError(
            f"s3://{req.bucket}/{req.key} (version {req.version_id or 'latest'}) no longer exists "
            f"and {req.keys.processed} does not hold its output"
        )
    logger.info("already transformed; returning the recorded outcome")
    counts = {name: int(metadata.get(name.replace("_", "-"), 0)) for name in _COUNTS}
    return TransformResult(output_key=req.keys.processed, **counts)
