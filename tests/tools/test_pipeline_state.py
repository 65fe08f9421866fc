"""Each file's outcome as the pipeline left it, and the invariant it must hold (docs/pipeline.md §1.4)."""

from __future__ import annotations

import json

import boto3
import pytest

from contract.keys import FileKeys
from contract.metadata import PARTITION_KEY, SORT_KEY, Attr, Status
from tools import pipeline_state
from tools.emulator import Emulator
from tools.pipeline_state import _notification, file_result

KEY = "raw/2024/sales.csv"
FILE = FileKeys.of(KEY)


def _item(status: str = Status.SUCCEEDED, **fields: object) -> dict[str, object]:
    return {
        PARTITION_KEY: KEY,
        SORT_KEY: "2024-11-01T08:00:00.000Z",
        Attr.STATUS: status,
        Attr.PROCESS_END_TIME: "2024-11-01T08:00:01.500Z",
        Attr.ROWS_TOTAL: 3,
        Attr.ROWS_REJECTED: 0,
        **fields,
    }


def test_a_processed_file_has_its_rows_duration_and_one_outcome() -> None:
    result = file_result(KEY, [_item()], raw=set(), processed={FILE.processed}, failed=set())

    assert (result.status, result.rows, result.rejected) == (Status.SUCCEEDED, 3, 0)
    assert (result.outcome, result.duration, result.problem) == (FILE.processed, 1.5, "")


def test_rejected_rows_are_named_beside_the_outcome() -> None:
    failed = {FILE.rejected}
    result = file_result(KEY, [_item(rows_rejected=1)], set(), {FILE.processed}, failed)

    assert result.outcome == f"{FILE.processed} (+ {FILE.rejected})"
    assert result.problem == ""


@pytest.mark.parametrize(
    ("attempts", "raw", "places", "problem"),
    [
        ([], set(), [], "no outcome recorded in time"),
        ([_item(Status.PROCESSING)], set(), [], "no outcome recorded in time"),
        ([_item()], {KEY}, [FILE.processed], "still under raw/"),
        ([_item()], set(), [], "expected exactly one outcome object, found none"),
        ([_item()], set(), [FILE.processed, FILE.failed], "expected exactly one outcome object"),
        (
            [_item(Status.FAILED), _item()],
            set(),
            [FILE.processed],
            "2 metadata items for one upload",
        ),
    ],
)
def test_a_broken_invariant_is_named(
    attempts: list[dict[str, object]], raw: set[str], places: list[str], problem: str
) -> None:
    processed = {p for p in places if p == FILE.processed}
    failed = {p for p in places if p == FILE.failed}

    result = file_result(KEY, attempts, raw, processed, failed)

    assert result.problem.startswith(problem)


def test_the_last_attempt_gives_the_status_and_error() -> None:
    attempts = [_item(Status.FAILED, error_message="first"), _item(Status.FAILED, error_message="again")]  # fmt: skip

    result = file_result(KEY, attempts, set(), set(), {FILE.failed})

    assert (result.status, result.error, result.outcome) == (Status.FAILED, "again", FILE.failed)


def test_a_notification_body_is_parsed_when_it_is_json() -> None:
    envelope = {"Subject": "s", "Message": json.dumps({"file": KEY}), "Timestamp": "t"}

    assert _notification(envelope) == {"subject": "s", "message": {"file": KEY}, "timestamp": "t"}
    assert _notification({"Message": "plain text"})["message"] == "plain text"


def test_an_executions_arn_follows_from_its_machine_and_name() -> None:
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:csv-etl-dev-pipeline"
    assert pipeline_state.execution_arn(machine, "x-0a1b") == (
        "arn:aws:states:us-east-1:123456789012:execution:csv-etl-dev-pipeline:x-0a1b"
    )


def test_progress_counts_each_file_once_by_its_newest_attempt() -> None:
    other, waiting = "raw/other.csv", "raw/waiting.csv"
    attempts = {
        KEY: [_item(Status.SUPERSEDED), _item(Status.SUCCEEDED)],  # two uploads of one key
        other: [_item(Status.PROCESSING)],
    }

    progress = pipeline_state.progress([KEY, other, waiting], attempts, raw={other})

    assert (progress.total, progress.done) == (3, 1)
    assert progress.states == {Status.SUCCEEDED: 1, Status.PROCESSING: 1, pipeline_state.WAITING: 1}


def test_a_terminal_file_still_under_raw_is_not_done() -> None:
    progress = pipeline_state.progress([KEY], {KEY: [_item()]}, raw={KEY})

    assert progress.done == 0


def _table(name: str) -> None:
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
            {"AttributeName": SORT_KEY, "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def _put(table: str, key: str, start: str) -> None:
    item = {PARTITION_KEY: {"S": key}, SORT_KEY: {"S": start}, Attr.ROWS_TOTAL: {"N": "3"}}
    boto3.client("dynamodb").put_item(TableName=table, Item=item)


def test_a_query_reads_one_files_history_and_a_scan_filters_and_stops_where_told(
    emulator: Emulator,
) -> None:
    _table("state")
    for n in range(30):
        _put("state", f"raw/f{n:02}.csv", f"2024-11-01T08:00:{n:02}.000Z")
    _put("state", "raw/f00.csv", "2024-11-02T08:00:00.000Z")

    history = pipeline_state.query_items("state", "raw/f00.csv")
    assert [i[SORT_KEY] for i in history.items] == ["2024-11-01T08:00:00.000Z", "2024-11-02T08:00:00.000Z"]  # fmt: skip
    assert history.items[0][Attr.ROWS_TOTAL] == 3  # plain JSON values
    later = pipeline_state.query_items("state", "raw/f00.csv", since="2024-11-01T08:00:00.001Z")
    assert [i[SORT_KEY] for i in later.items] == ["2024-11-02T08:00:00.000Z"]

    recent = pipeline_state.scan_items("state", since="2024-11-01T08:00:25.000Z")
    assert [i[PARTITION_KEY] for i in recent.items] == ["raw/f00.csv", *(f"raw/f{n}.csv" for n in range(25, 30))]  # fmt: skip
    assert (recent.scanned, recent.truncated) == (31, False)  # a Scan reads every item

    bounded = pipeline_state.scan_items("state", max_scan=1)
    assert bounded.truncated and bounded.scanned < 31
