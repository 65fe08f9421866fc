"""Validation function: starts one workflow per uploaded CSV, validates it, files invalid ones.

Two event shapes (docs/interfaces.md): an S3 notification and {"action": "validate"}. The
Validate task runs the core once (pipeline.md §1.1): a valid file's transformed output is
staged for the Transform task (``functions.common.staging``), with its proof of processing
(``functions.common.proof``); an invalid file goes to failed/ with its report only if
failed/ does not hold a newer upload of the key (``functions.common.conditional``); the
workflow records and notifies it. The CSV rules live in functions.core; this module only
moves bytes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from contract.environment import METRICS_NAMESPACE
from contract.payloads import Action, ExecutionInput, Stage, TaskRequest, ValidateResult, action_of
from contract.proof import Figures
from functions.common import conditional, s3, staging, tracing
from functions.common.clients import client
from functions.common.config import TriggerSettings, ValidationSettings
from functions.common.events import (
    MAX_MESSAGE_BYTES,
    S3Object,
    SourceMissingError,
    is_s3_notification,
    s3_objects,
    truncate_utf8,
)
from functions.common.naming import execution_name

if TYPE_CHECKING:
    from functions.core import Outcome

logger = Logger()
tracer = tracing.tracer()
metrics = Metrics(namespace=METRICS_NAMESPACE)


@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Dispatch on the event shape; raise ValueError on one that is not ours.

    Each kind of event reads its own settings (``functions.common.config``): an S3
    notification never loads the core or polars, so the cold start of the invocation every
    upload makes first stays small; the Validate task loads them when it first runs.
    """
    if not isinstance(event, dict):
        raise ValueError(f"unsupported event: expected a JSON object, got {type(event).__name__}")
    if is_s3_notification(event):
        return start_executions(event, TriggerSettings.from_env(os.environ))
    action = action_of(event)
    if action is Action.VALIDATE:
        request = TaskRequest.from_event(event)
        return validate(request, ValidationSettings.from_env(os.environ)).to_dict()
    raise ValueError(
        "unsupported event: expected an S3 notification or action "
        f"{' / '.join(repr(a.value) for a in Action)}, "
        f"got keys {sorted(event)[:10]} and action {event.get('action')!r}"
    )


def start_executions(event: dict[str, Any], settings: TriggerSettings) -> dict[str, Any]:
    """Start one execution per created raw/*.csv object; a duplicate event starts nothing new."""
    sfn = client("stepfunctions")
    counts = {"started": 0, "already_started": 0, "ignored": 0}
    for obj in s3_objects(event):
        if obj is None:
            counts["ignored"] += 1
            continue
        counts["started" if _start(sfn, obj, settings) else "already_started"] += 1
    metrics.add_metric(name="ExecutionsStarted", unit=MetricUnit.Count, value=counts["started"])
    metrics.add_metric(
        name="ExecutionsAlreadyStarted", unit=MetricUnit.Count, value=counts["already_started"]
    )
    metrics.add_metric(name="EventsIgnored", unit=MetricUnit.Count, value=counts["ignored"])
    logger.info("S3 notification handled", extra=counts)
    return counts


def _input(obj: S3Object) -> ExecutionInput:
    return ExecutionInput.of(obj.bucket, obj.key, obj.version_id, obj.etag, obj.sequencer)


def _start(sfn: Any, obj: S3Object, settings: TriggerSettings) -> bool:
    """StartExecution; False when the name was already used (ExecutionAlreadyExists is success)."""
    name = execution_name(obj.bucket, obj.key, obj.version_id, obj.etag)
    logger.set_correlation_id(obj.key)
    try:
        with tracer.provider.in_subsegment("## sfn.start_execution") as sub:
            sub.put_annotation("execution_name", name)
            response = sfn.start_execution(
                stateMachineArn=settings.state_machine_arn, name=name, input=_input(obj).to_json()
            )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ExecutionAlreadyExists":
            logger.info("execution already exists", extra={"execution_name": name, "file": obj.key})
            return False
        raise  # the async retries and then the DLQ keep the event
    logger.info(
        "execution started",
        extra={
            "execution_arn": response["executionArn"],
            "file": obj.key,
            "version_id": obj.version_id,
        },
    )
    return True


# /tmp holds the source, the output (which can be longer: normalized timestamps, amounts)
# and the rejected rows.
SPACE_FACTOR = 2.5


def validate(req: TaskRequest, settings: ValidationSettings) -> ValidateResult:
    """Validate and transform the exact object version once (pipeline.md §1): a valid file's
    output is staged for the Transform task, an invalid one filed under failed/ (newest wins)."""
    from functions.common import proof  # the core and polars (settings.core has loaded them)

    logger.set_correlation_id(req.execution_arn or req.key)
    logger.append_keys(file=req.key, bucket=req.bucket, version_id=req.version_id)
    tracer.put_annotation("file", req.key)
    s3_client = client("s3")
    with tempfile.TemporaryDirectory(prefix="validate-") as tmp:
        source, output, rejected = (Path(tmp, n) for n in ("source.csv", "out.csv", "rej.csv"))
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
            return _already_failed(s3_client, req)
        metrics.add_metric(name="BytesRead", unit=MetricUnit.Bytes, value=size)
        with tracer.provider.in_subsegment("## core.process_file"):
            produced = proof.produce(source, output, config=settings.core, rejected=rejected)
        outcome, figures = produced.outcome, produced.figures
        metrics.add_metric(name="RowsRejected", unit=MetricUnit.Count, value=outcome.rows_rejected)
        if not outcome.ok:
            return _fail_file(s3_client, req, outcome, size, figures)
        outcome_key = _write_rejected(s3_client, req, rejected) if outcome.rows_rejected else ""
        with tracer.provider.in_subsegment("## s3.stage_output"):
            staged_key = staging.write(
                s3_client, req.bucket, req.keys, _upload(req), output, figures
            )
    metrics.add_metric(name="FilesValidated", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RowsValid", unit=MetricUnit.Count, value=outcome.rows_valid)
    logger.info("file valid", extra={"staged_key": staged_key, **figures.fields()})
    return ValidateResult.of(
        True, figures.fields(), error="", outcome_key=outcome_key, staged_key=staged_key
    )


def _write_rejected(s3_client: Any, req: TaskRequest, rejected: Path) -> str:
    """The rows rejected within tolerance, to failed/<path>.rejected.csv (newest wins)."""
    with tracer.provider.in_subsegment("## s3.upload_rejected"):
        conditional.write_if_newest(
            s3_client,
            req.bucket,
            req.keys.rejected,
            _upload(req),
            conditional.upload_file(
                s3_client, rejected, req.bucket, req.keys.rejected, "text/csv", {}
            ),
        )
    return req.keys.rejected


def _upload(req: TaskRequest) -> conditional.Upload:
    return conditional.Upload(req.rank, req.version_id)


def _fail_file(
    s3_client: Any, req: TaskRequest, outcome: Outcome, size: int, figures: Figures
) -> ValidateResult:
    """Original to failed/, report beside it, and only then delete it from raw/.

    Both writes are conditional: when failed/<path> holds a newer upload, this one is
    superseded and leaves failed/ alone. The workflow records and notifies the outcome.
    The outcome's bytes are the source's, so both digests are the source's (pipeline.md §2).
    """
    error = truncate_utf8(outcome.error_summary(), MAX_MESSAGE_BYTES)
    report = {
        **_identity(req),
        "stage": Stage.VALIDATION.value,
        "outcome": "invalid",
        "error": error,
        **figures.fields(),
        "details": outcome.error_report(),
    }
    described = s3.head(s3_client, req.bucket, req.key, req.version_id) or {}
    content_type = str(described.get("ContentType") or "text/csv")
    with tracer.provider.in_subsegment("## s3.file_failed"):
        moved = conditional.write_if_newest(
            s3_client,
            req.bucket,
            req.keys.failed,
            _upload(req),
            conditional.copy_version(
                s3_client, req.bucket, req.key, req.version_id, size, req.keys.failed, content_type
            ),
        )
        if moved is not conditional.Written.SUPERSEDED:
            body = s3.json_bytes(report)
            conditional.write_if_newest(
                s3_client,
                req.bucket,
                req.keys.error_report,
                _upload(req),
                conditional.put_bytes(
                    s3_client, req.bucket, req.keys.error_report, body, s3.JSON_CONTENT_TYPE
                ),
            )
    with tracer.provider.in_subsegment("## s3.delete_raw"):
        s3.delete(s3_client, req.bucket, req.key, req.version_id)
    superseded = moved is conditional.Written.SUPERSEDED
    metrics.add_metric(
        name="FilesSuperseded" if superseded else "FilesInvalid", unit=MetricUnit.Count, value=1
    )
    logger.warning(
        "file invalid", extra={"error": error, "superseded": superseded, **_counts(outcome)}
    )
    return ValidateResult.of(
        False,
        figures.fields(),
        error=error,
        outcome_key="" if superseded else req.keys.failed,
        superseded=superseded,
    )


def _already_failed(s3_client: Any, req: TaskRequest) -> ValidateResult:
    """A retry after an invalid file was already moved: answer from its report (or its successor)."""
    report = s3.get_small_json(s3_client, req.bucket, req.keys.error_report)
    if _is_invalid_report(report, req):
        logger.info("file already failed validation; returning the recorded outcome")
        counts = {name: int(report.get(name, 0)) for name in _COUNTS}
        proven = {name: str(report.get(name, "")) for name in _PROOF}
        error = str(report.get("error", ""))
        return ValidateResult.of(
            False, {**counts, **proven}, error=error, outcome_key=req.keys.failed
        )
    current = conditional.holder(s3_client, req.bucket, req.keys.failed)
    if current is not None and current.upload.rank > req.rank:
        logger.info("file already superseded: failed/ holds a newer upload")
        return ValidateResult(False, 0, 0, 0, error="superseded", outcome_key="", superseded=True)
    raise SourceMissingError(
        f"s3://{req.bucket}/{req.key} (version {req.version_id or 'latest'}) no longer exists "
        "and has no validation report"
    )


def _is_invalid_report(report: Any, req: TaskRequest) -> bool:
    """True for the report that validation wrote for this very object version."""
    return (
        isinstance(report, dict)
        and report.get("outcome") == "invalid"
        and report.get("file") == req.key
        and report.get("version_id", "") == req.version_id
    )


def _identity(req: TaskRequest) -> dict[str, str]:
    return {
        "file": req.key,
        "bucket": req.bucket,
        "version_id": req.version_id,
        "sequencer": req.sequencer,
        "execution_arn": req.execution_arn,
    }


_COUNTS = ("rows_total", "rows_valid", "rows_rejected")
_PROOF = ("amount_total", "source_sha256", "output_sha256")


def _counts(outcome: Outcome) -> dict[str, int]:
    return {
        "rows_total": outcome.rows_total,
        "rows_valid": outcome.rows_valid,
        "rows_rejected": outcome.rows_rejected,
    }
