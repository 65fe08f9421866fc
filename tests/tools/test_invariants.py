"""The invariant checker: each broken promise gives its verdict (the checker must bite)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from contract.ordering import rank
from tools import invariants
from tools.emulator.api_faults import LoggedCall
from tools.emulator.principals import Kind
from tools.invariants import State, Upload

VALID = b"transaction_id,customer_id,amount,timestamp\nT1,C1,1.5,2024-11-01\n"
NEWER = b"transaction_id,customer_id,amount,timestamp\nT1,C1,2.5,2024-11-02\n"
INVALID = b"transaction_id,customer_id,amount,timestamp\nT1,C1,1.5,2024-02-30\n"
KEY = "raw/x.csv"


def _item(upload: Upload, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "file_name": upload.key,
        "process_start_time": upload.sequencer,
        "status": status,
        "bucket": "b",
        "version_id": upload.version_id,
        "etag": hashlib.md5(upload.body, usedforsecurity=False).hexdigest(),
        "sequencer": upload.sequencer,
        "execution_arn": "arn:" + upload.version_id,
        "process_end_time": "t",
        **extra,
    }


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _succeeded(upload: Upload) -> dict[str, Any]:
    output = invariants.expected(upload.body).output
    return _item(
        upload,
        "SUCCEEDED",
        rows_total=1,
        rows_valid=1,
        rows_rejected=0,
        output_key="processed/x.csv",
        amount_total=output.split(b",")[-2].decode(),  # the one row's amount
        source_sha256=_sha(upload.body),
        output_sha256=_sha(output),
    )


def _object(upload: Upload, body: bytes) -> dict[str, Any]:
    return {
        "body": body,
        "metadata": {"rank": rank(upload.sequencer), "sourceversion": upload.version_id},
    }


def _processed(upload: Upload) -> dict[str, Any]:
    """processed/x.csv as the transformation writes it: the output, its proof in metadata."""
    figures = _succeeded(upload)
    placed = _object(upload, invariants.expected(upload.body).output)
    placed["metadata"] |= {
        "output-sha256": figures["output_sha256"],
        "amount-total": figures["amount_total"],
    }
    return placed


def _calls(*entries: tuple[str, str, str]) -> list[LoggedCall]:
    """(operation, key, version) in order: writes carry the version as metadata header."""
    calls = []
    for n, (operation, key, version) in enumerate(entries):
        headers = {"X-Amz-Meta-Sourceversion": version} if operation != "DeleteObject" else {}
        query = {"versionId": [version]} if operation == "DeleteObject" else {}
        calls.append(
            LoggedCall(n, Kind.FUNCTION, "s3", operation, f"/b/{key}", query, headers, 200)
        )
    return calls


OLD, NEW = Upload(KEY, "v1", "00A0", VALID), Upload(KEY, "v2", "00B0", NEWER)


def _overwrite_state(processed_by: Upload, old_status: str = "SUPERSEDED") -> State:
    return State(
        objects={"processed/x.csv": _processed(processed_by)},
        raw_versions=set(),
        items={KEY: [_item(OLD, old_status), _succeeded(NEW)]},
        notifications=[],
        calls=_calls(
            ("PutObject", "processed/x.csv", "v2"),
            ("DeleteObject", KEY, "v2"),
            ("DeleteObject", KEY, "v1"),
        ),
    )


def test_newest_upload_in_processed_and_older_superseded_is_ok() -> None:
    verdicts = invariants.check([OLD, NEW], _overwrite_state(NEW))
    assert [v.category for v in verdicts] == ["ok", "ok"]


def test_older_content_in_processed_is_caught() -> None:
    verdicts = invariants.check([OLD, NEW], _overwrite_state(OLD))
    assert verdicts[1].category == "outcome" and "another upload" in verdicts[1].detail


def test_raw_deleted_before_the_outcome_was_written_is_caught() -> None:
    state = _overwrite_state(NEW)
    state.calls = _calls(("DeleteObject", KEY, "v2"), ("PutObject", "processed/x.csv", "v2"))
    (verdict,) = invariants.check([NEW], state)
    assert verdict.category == "order"


def test_a_version_left_under_raw_is_caught() -> None:
    state = _overwrite_state(NEW)
    state.raw_versions = {KEY}
    assert invariants.check([NEW], state)[0].category == "raw"


def test_an_etag_recorded_as_version_id_is_caught() -> None:
    state = _overwrite_state(NEW)
    state.items[KEY][1]["version_id"] = state.items[KEY][1]["etag"]
    assert invariants.check([NEW], state)[0].category == "outcome"  # no item for this version


@pytest.mark.parametrize(
    ("messages", "lost", "run", "category"),
    [
        (0, 0, "arn:v3", "notification"),
        (1, 0, "arn:v3", "ok"),
        (2, 0, "arn:v3", "notification"),
        (2, 1, "arn:v3", "ok"),  # a Publish whose response was lost, retried: at least once
        (3, 1, "arn:v3", "notification"),
        (1, 0, "arn:other-run", "notification"),  # a message, but about another run
    ],
)
def test_a_failed_upload_has_exactly_one_notification(
    messages: int, lost: int, run: str, category: str
) -> None:
    bad = Upload(KEY, "v3", "00C0", INVALID)
    report = json.dumps({"file": KEY, "version_id": "v3", "error": "bad date"}).encode()
    notice = {"message": {"file": KEY, "version_id": "v3", "execution_arn": run}}
    state = State(
        objects={
            "failed/x.csv": _object(bad, INVALID),
            "failed/x.csv.error.json": _object(bad, report),
        },
        raw_versions=set(),
        items={
            KEY: [
                _item(
                    bad,
                    "FAILED",
                    error_message="bad date",
                    output_key="failed/x.csv",
                    rows_total=1,
                    rows_valid=0,
                    rows_rejected=1,
                    amount_total="0.00",
                    source_sha256=_sha(INVALID),
                    output_sha256=_sha(INVALID),
                )
            ]
        },
        notifications=[notice] * messages,
        calls=_calls(("CopyObject", "failed/x.csv", "v3"), ("DeleteObject", KEY, "v3")),
        lost_publishes=lost,
    )
    assert invariants.check([bad], state)[0].category == category


def test_a_failed_upload_without_its_report_is_caught() -> None:
    bad = Upload(KEY, "v3", "00C0", INVALID)
    state = State(
        objects={"failed/x.csv": _object(bad, INVALID)},
        raw_versions=set(),
        items={KEY: [_item(bad, "FAILED", error_message="e", output_key="failed/x.csv")]},
        notifications=[{"message": {"file": KEY, "version_id": "v3", "execution_arn": "arn:v3"}}],
    )
    assert invariants.check([bad], state)[0].category == "report"


def test_a_waived_category_is_left_to_the_test() -> None:
    state = _overwrite_state(NEW)
    state.raw_versions = {KEY}
    waived = Upload(KEY, "v2", "00B0", NEWER, waived=frozenset({"raw"}))
    assert invariants.check([waived], state)[0].category == "ok"


def _restarted_state(second_arn: str) -> State:
    """OLD's attempt 0 FAILED (S3 kept failing, notified), a sweep's attempt 1 succeeded."""
    failed = _item(OLD, "FAILED", error_message="S3 down", output_key="failed/x.csv")
    failed["process_start_time"] = "2026-01-01T00:00:00Z"
    retried = _succeeded(OLD) | {"process_start_time": "2026-01-01T01:00:00Z"}
    retried["execution_arn"] = second_arn
    return State(
        objects={"processed/x.csv": _processed(OLD)},
        raw_versions=set(),
        items={KEY: [retried, failed]},
        notifications=[{"message": {"file": KEY, "version_id": "v1", "execution_arn": "arn:v1"}}],
        calls=_calls(("PutObject", "processed/x.csv", "v1"), ("DeleteObject", KEY, "v1")),
    )


def test_a_later_attempt_decides_and_each_failed_attempt_has_its_notification() -> None:
    (verdict,) = invariants.check([OLD], _restarted_state("arn:attempt-1"))
    assert verdict.category == "ok", verdict.detail


def test_two_items_of_one_execution_are_caught() -> None:
    (verdict,) = invariants.check([OLD], _restarted_state("arn:v1"))  # attempt 0's ARN
    assert verdict.category == "outcome" and "2 items for 1 runs" in verdict.detail
