"""Validation function: starts one workflow per uploaded CSV, validates it, quarantines failures.

Three event shapes (docs/interfaces.md): an S3 notification, {"action": "validate"} and
{"action": "quarantine"}. The CSV rules live in functions.core; this module only moves bytes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from contract.environment import METRICS_NAMESPACE
from contract.payloads import (
    Action,
    QuarantineRequest,
    QuarantineResult,
    Stage,
    TaskRequest,
    ValidateResult,
    action_of,
)
from functions.common import notify, s3
from functions.common.clients import TRACED_MODULES, client
from functions.common.config import ValidationSettings
from functions.common.events import (
    MAX_CAUSE_BYTES,
    MAX_MESSAGE_BYTES,
    S3Object,
    SourceMissingError,
    caught_error_message,
    is_s3_notification,
    s3_objects,
    truncate_utf8,
)
from functions.common.naming import execution_name
from functions.core import Outcome, validate_file

logger = Logger()
tracer = Tracer(patch_modules=TRACED_MODULES)
metrics = Metrics(namespace=METRICS_NAMESPACE)


@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Dispatch on the event shape; raise ValueError on one that is not ours."""
    settings = ValidationSettings.from_env(os.environ)
    if not isinstance(event, dict):
        raise ValueError(f"unsupported event: expected a JSON object, got {type(event).__name__}")
    if is_s3_notification(event):
        return start_executions(event, settings)
    action = action_of(event)
    if action is Action.VALIDATE:
        return validate(TaskRequest.from_event(event), settings).to_dict()
    if action is Action.QUARANTINE:
        return quarantine(QuarantineRequest.from_event(event)).to_dict()
    raise ValueError(
        "unsupported event: expected an S3 notification or action "
        f"{' / '.join(repr(a.value) for a in Action)}, "
        f"got keys {sorted(event)[:10]} and action {event.get('action')!r}"
    )


def start_executions(event: dict[str, Any], settings: ValidationSettings) -> dict[str, Any]:
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


def _start(sfn: Any, obj: S3Object, settings: ValidationSettings) -> bool:
    """StartExecution; False when the name was already used (ExecutionAlreadyExists is success)."""
    name = execution_name(obj.bucket, obj.key, obj.version_id, obj.etag)
    logger.set_correlation_id(obj.key)
    try:
        with tracer.provider.in_subsegment("## sfn.start_execution") as sub:
            sub.put_annotation("execution_name", name)
            response = sfn.start_execution(
                stateMachineArn=settings.state_machine_arn, name=name, input=obj.execution_input()
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


def validate(req: TaskRequest, settings: ValidationSettings) -> ValidateResult:
    """Validate the exact object version; move an invalid file to failed/ and notify."""
    logger.set_correlation_id(req.execution_arn or req.key)
    logger.append_keys(file=req.key, bucket=req.bucket, version_id=req.version_id)
    tracer.put_annotation("file", req.key)
    s3_client = client("s3")
    with tempfile.TemporaryDirectory(prefix="validate-") as tmp:
        source, rejected = Path(tmp, "source.csv"), Path(tmp, "rejected.csv")
        try:
            with tracer.provider.in_subsegment("## s3.download"):
                size = s3.download(s3_client, req.bucket, req.key, req.version_id, source)
        except s3.ObjectMissingError:
            return _already_failed(s3_client, req)
        metrics.add_metric(name="BytesRead", unit=MetricUnit.Bytes, value=size)
        with tracer.provider.in_subsegment("## core.validate_file"):
            outcome = validate_file(source, config=settings.core, rejected=rejected)
        metrics.add_metric(name="RowsRejected", unit=MetricUnit.Count, value=outcome.rows_rejected)
        if not outcome.ok:
            return _fail_file(s3_client, req, outcome, settings)
        outcome_key = ""
        if outcome.rows_rejected:
            with tracer.provider.in_subsegment("## s3.upload_rejected"):
                s3.upload(
                    s3_client, rejected, req.bucket, req.keys.rejected, content_type="text/csv"
                )
            outcome_key = req.keys.rejected
    metrics.add_metric(name="FilesValidated", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RowsValid", unit=MetricUnit.Count, value=outcome.rows_valid)
    logger.info("file valid", extra=_counts(outcome))
    return ValidateResult(valid=True, **_counts(outcome), error="", outcome_key=outcome_key)


def _fail_file(
    s3_client: Any, req: TaskRequest, outcome: Outcome, settings: ValidationSettings
) -> ValidateResult:
    """Original to failed/, report beside it, notify, and only then delete it from raw/."""
    error = truncate_utf8(outcome.error_summary(), MAX_MESSAGE_BYTES)
    report = {
        **_identity(req),
        "stage": Stage.VALIDATION.value,
        "outcome": "invalid",
        "error": error,
        **_counts(outcome),
        "details": outcome.error_report(),
    }
    with tracer.provider.in_subsegment("## s3.quarantine"):
        s3.copy(s3_client, req.bucket, req.key, req.version_id, req.keys.failed)
        s3.put_json(s3_client, req.bucket, req.keys.error_report, report)
    # Publish before deleting: a retry after a lost response then re-publishes (at least once)
    # instead of finding raw/ empty and never notifying.
    with tracer.provider.in_subsegment("## sns.publish"):
        notify.publish_failure(
            client("sns"),
            settings.topic_arn,
            key=req.key,
            bucket=req.bucket,
            stage=Stage.VALIDATION.value,
            error=error,
            execution_arn=req.execution_arn,
        )
    with tracer.provider.in_subsegment("## s3.delete_raw"):
        s3.delete(s3_client, req.bucket, req.key, req.version_id)
    metrics.add_metric(name="FilesInvalid", unit=MetricUnit.Count, value=1)
    logger.warning("file invalid", extra={"error": error, **_counts(outcome)})
    return ValidateResult(valid=False, **_counts(outcome), error=error, outcome_key=req.keys.failed)


def _already_failed(s3_client: Any, req: TaskRequest) -> ValidateResult:
    """A retry after an invalid file was already moved: answer from its error report."""
    report = s3.get_small_json(s3_client, req.bucket, req.keys.error_report)
    if not _is_invalid_report(report, req):
        raise SourceMissingError(
            f"s3://{req.bucket}/{req.key} (version {req.version_id or 'latest'}) no longer exists "
            "and has no validation report"
        )
    logger.info("file already failed validation; returning the recorded outcome")
    counts = {
        name: int(report.get(name, 0)) for name in ("rows_total", "rows_valid", "rows_rejected")
    }
    error = str(report.get("error", ""))
    return ValidateResult(valid=False, **counts, error=error, outcome_key=req.keys.failed)


def quarantine(req: QuarantineRequest) -> QuarantineResult:
    """The workflow's failure path: move the object to failed/ if still under raw/ (idempotent)."""
    logger.set_correlation_id(req.execution_arn or req.key)
    logger.append_keys(file=req.key, bucket=req.bucket, version_id=req.version_id)
    error = req.error
    message = caught_error_message(error)
    s3_client = client("s3")
    with tracer.provider.in_subsegment("## s3.head_raw"):
        present = s3.head(s3_client, req.bucket, req.key, req.version_id) is not None
    if not present:
        logger.info("nothing to quarantine: object no longer under raw/", extra={"error": message})
        return QuarantineResult(quarantined=False, failed_key="", error_message=message)
    caught = (
        dict(error) if isinstance(error, dict) else {"Error": "UnknownError", "Cause": repr(error)}
    )
    if isinstance(caught.get("Cause"), str):
        caught["Cause"] = truncate_utf8(caught["Cause"], MAX_CAUSE_BYTES)
    report: dict[str, Any] = {
        **_identity(req),
        "stage": req.stage,
        "outcome": "quarantined",
        "error": message,
        "caught": caught,
    }
    existing = s3.get_small_json(s3_client, req.bucket, req.keys.error_report)
    if _is_invalid_report(existing, req):
        # Validation found the file invalid but failed to finish moving it: its report says
        # why the file is bad, which matters more than why the move failed. Keep it.
        report = {**existing, "caught": caught}
    with tracer.provider.in_subsegment("## s3.quarantine"):
        s3.copy(s3_client, req.bucket, req.key, req.version_id, req.keys.failed)
        s3.put_json(s3_client, req.bucket, req.keys.error_report, report)
        s3.delete(s3_client, req.bucket, req.key, req.version_id)
    metrics.add_metric(name="FilesQuarantined", unit=MetricUnit.Count, value=1)
    logger.warning("file quarantined", extra={"error": message})
    return QuarantineResult(quarantined=True, failed_key=req.keys.failed, error_message=message)


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
        "execution_arn": req.execution_arn,
    }


def _counts(outcome: Outcome) -> dict[str, int]:
    return {
        "rows_total": outcome.rows_total,
        "rows_valid": outcome.rows_valid,
        "rows_rejected": outcome.rows_rejected,
    }
