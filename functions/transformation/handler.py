"""Transformation function: the staged output -> processed/<path>, then delete raw/ and staging/.

The validation function ran the core once and staged the output (``functions.common.staging``);
this function promotes it by a server-side copy, only if processed/<path> does not hold a
newer upload's output (``functions.common.conditional``): an older upload that finishes later
is superseded, not written. Idempotent: a retry after success (staged output gone,
processed/ written from the same version) returns the recorded figures without rewriting.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from contract.environment import METRICS_NAMESPACE
from contract.payloads import TaskRequest, TransformResult
from contract.proof import Figures
from functions.common import conditional, s3, staging, tracing
from functions.common.clients import client
from functions.common.events import SourceMissingError

logger = Logger()
tracer = tracing.tracer()
metrics = Metrics(namespace=METRICS_NAMESPACE)


@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Promote one validated object version; raise on anything unexpected (the workflow retries)."""
    if not isinstance(event, dict):
        raise ValueError(f"unsupported event: expected a JSON object, got {type(event).__name__}")
    return transform(TaskRequest.from_event(event)).to_dict()


def transform(req: TaskRequest) -> TransformResult:
    """staging/ output -> processed/ (server-side, newest wins), then raw/ and staging/ deleted.

    No parsing, no core rules (and no polars import): the validation function ran the core
    once and staged the output with its figures (pipeline.md §1.1).
    """
    logger.set_correlation_id(req.execution_arn or req.key)
    logger.append_keys(file=req.key, bucket=req.bucket, version_id=req.version_id)
    tracer.put_annotation("file", req.key)
    s3_client = client("s3")
    upload = conditional.Upload(req.rank, req.version_id)
    staged = staging.read(s3_client, req.bucket, req.keys, upload)
    if staged is None:
        return _already_processed(s3_client, req)
    figures = staged.figures.fields()
    with tracer.provider.in_subsegment("## s3.promote_if_newest"):
        written = staging.promote(s3_client, req.bucket, req.keys, upload, staged)
    if written is conditional.Written.WRITTEN:
        metrics.add_metric(name="BytesWritten", unit=MetricUnit.Bytes, value=staged.size)
    # The output is durable now (or a newer upload's is); only then does the original go,
    # and the staged object last, so a retry in between still finds it (pipeline.md §1).
    with tracer.provider.in_subsegment("## s3.delete_raw"):
        s3.delete(s3_client, req.bucket, req.key, req.version_id)
        staging.discard(s3_client, req.bucket, staged)
    if written is conditional.Written.SUPERSEDED:
        metrics.add_metric(name="FilesSuperseded", unit=MetricUnit.Count, value=1)
        logger.info("superseded: processed/ holds a newer upload's output", extra=figures)
        return TransformResult.of("", figures, superseded=True)
    metrics.add_metric(name="FilesTransformed", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RowsProcessed", unit=MetricUnit.Count, value=staged.figures.rows_valid)
    logger.info("file transformed", extra={"output_key": req.keys.processed, **figures})
    return TransformResult.of(req.keys.processed, figures)


def _already_processed(s3_client: Any, req: TaskRequest) -> TransformResult:
    """Nothing staged: answer from processed/ if it holds this version's output or a newer one."""
    current = conditional.holder(s3_client, req.bucket, req.keys.processed)
    if current is not None and current.upload.version_id == req.version_id:
        logger.info("already transformed; returning the recorded outcome")
        return TransformResult.of(
            req.keys.processed, Figures.from_metadata(current.metadata).fields()
        )
    if current is not None and current.upload.rank > req.rank:
        logger.info("already superseded: processed/ holds a newer upload's output")
        return TransformResult(
            output_key="", rows_total=0, rows_valid=0, rows_rejected=0, superseded=True
        )
    raise SourceMissingError(
        f"s3://{req.bucket}/{req.key} (version {req.version_id or 'latest'}) has no staged "
        f"output and {req.keys.processed} does not hold its output"
    )
