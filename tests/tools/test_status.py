"""tools.status: each attempt, the checks that flag it, and the command against a deployed stack."""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any

import boto3
import pytest

from contract.metadata import PARTITION_KEY, SORT_KEY, Attr, Status
from stacks.names import Output
from stacks.orchestration import WORKFLOW_TIMEOUT_SECONDS
from tools import status
from tools.emulator import Emulator
from tools.output import MAX_CELL

NOW = datetime.datetime(2024, 11, 2, 12, 0, tzinfo=datetime.UTC)
KEY = "raw/2024/sales.csv"
PROOF = {Attr.AMOUNT_TOTAL: "1379.83", Attr.SOURCE_SHA256: "a" * 64, Attr.OUTPUT_SHA256: "b" * 64}


def _later(start: str, seconds: float) -> str:
    moment = datetime.datetime.fromisoformat(start.replace("Z", "+00:00"))
    return status.iso(moment + datetime.timedelta(seconds=seconds))


def _item(state: str = Status.SUCCEEDED, start: str = "2024-11-02T11:00:00.000Z", **fields: Any) -> dict[str, Any]:  # fmt: skip
    item = {
        PARTITION_KEY: KEY, SORT_KEY: start, Attr.STATUS: state,
        Attr.PROCESS_END_TIME: _later(start, 2.5), Attr.ROWS_TOTAL: 7, Attr.ROWS_VALID: 6,
        Attr.ROWS_REJECTED: 1, Attr.OUTPUT_KEY: "processed/2024/sales.csv", **PROOF,
    }  # fmt: skip
    return {k: v for k, v in {**item, **fields}.items() if v is not None}


def test_an_item_that_adds_up_is_not_flagged() -> None:
    assert status.problems(_item(), NOW) == []
    assert status.problems(_item(Status.FAILED, error_message="line 3: bad amount"), NOW) == []


def test_counts_that_do_not_add_up_are_flagged() -> None:
    (problem,) = status.problems(_item(rows_valid=5), NOW)

    assert problem == "counts: rows_total 7 != rows_valid 5 + rows_rejected 1"
    assert status.problems(_item(rows_rejected=None), NOW)[0].startswith("counts: incomplete")


@pytest.mark.parametrize("missing", [Attr.AMOUNT_TOTAL, Attr.SOURCE_SHA256, Attr.OUTPUT_SHA256])
@pytest.mark.parametrize("state", [Status.SUCCEEDED, Status.FAILED])
def test_a_validated_terminal_item_without_its_proof_is_flagged(missing: str, state: str) -> None:
    assert status.problems(_item(state, **{missing: None}), NOW) == [f"proof: no {missing}"]
    assert status.problems(_item(state, **{missing: ""}), NOW) == [f"proof: no {missing}"]


def test_proof_is_not_asked_of_what_has_nothing_to_prove() -> None:
    no_proof = dict.fromkeys(PROOF)
    quarantined = {Attr.ROWS_TOTAL: None, Attr.ROWS_VALID: None, Attr.ROWS_REJECTED: None}

    assert status.problems(_item(Status.SUPERSEDED, **no_proof), NOW) == []
    assert status.problems(_item(Status.FAILED, **no_proof, **quarantined), NOW) == []
    assert status.problems(_item(amount_total="1,379.83"), NOW) == ["proof: amount_total '1,379.83' is not a decimal"]  # fmt: skip


def test_processing_past_the_workflows_timeout_is_stuck() -> None:
    def started(seconds_ago: float) -> str:
        return status.iso(NOW - datetime.timedelta(seconds=seconds_ago))

    running = _item(Status.PROCESSING, started(WORKFLOW_TIMEOUT_SECONDS - 60))
    stuck = _item(Status.PROCESSING, started(WORKFLOW_TIMEOUT_SECONDS + 60))
    old_but_done = _item(Status.SUCCEEDED, started(WORKFLOW_TIMEOUT_SECONDS * 10))

    assert status.problems(running, NOW) == []
    assert status.problems(stuck, NOW)[0].startswith("stuck: PROCESSING for 4.0 h")
    assert status.problems(old_but_done, NOW) == []


def test_since_is_relative_or_an_iso_time_in_the_tables_format() -> None:
    assert status.parse_since("90m", NOW) == "2024-11-02T10:30:00.000Z"
    assert status.parse_since("7d", NOW) == "2024-10-26T12:00:00.000Z"
    assert status.parse_since("2024-11-01", NOW) == "2024-11-01T00:00:00.000Z"
    assert status.parse_since("2024-11-01T09:00:00+01:00", NOW) == "2024-11-01T08:00:00.000Z"
    with pytest.raises(ValueError, match="SINCE='yesterday'"):
        status.parse_since("yesterday", NOW)


def test_the_table_shortens_long_keys_and_names_each_flag_and_error() -> None:
    long_key = "raw/" + "deep_folder/" * 20 + "sales.csv"
    items = [_item(), _item(Status.FAILED, file_name=long_key, rows_valid=5, error_message="bad")]
    lines = status.render(items, [status.problems(i, NOW) for i in items])

    header, _rule, ok, flagged, error, flag = lines
    # One long key does not stretch the lines: the next column starts where it does for a short one.
    assert ok.index("2024-11-02") == flagged.index("2024-11-02") <= MAX_CELL + 2
    assert ok.split()[:5] == ["2024/sales.csv", "2024-11-02", "11:00:00", "SUCCEEDED", "7"]
    assert ok.endswith("ok") and flagged.endswith("counts") and "2.50s" in ok
    assert "…" in flagged and flagged.startswith("deep_folder/deep") and "sales.csv" in flagged
    assert error.endswith(": bad") and "…" in error
    assert flag.endswith("counts: rows_total 7 != rows_valid 5 + rows_rejected 1")
    assert header.split() == ["file", "started", "status", "rows", "valid", "rejected", "duration", "outcome", "check"]  # fmt: skip


TEMPLATE = {
    "Resources": {
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": [
                    {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
                    {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
                ],
                "AttributeDefinitions": [
                    {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
                    {"AttributeName": SORT_KEY, "AttributeType": "S"},
                ],
            },
        }
    },
    "Outputs": {Output.TABLE_NAME: {"Value": {"Ref": "Table"}}},
}


def _deployed(emulator: Emulator, items: list[dict[str, Any]]) -> None:
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName="st", TemplateBody=json.dumps(TEMPLATE))
    table = boto3.resource("dynamodb").Table(status.stack_outputs("st", emulator.region)[Output.TABLE_NAME])  # fmt: skip
    for item in items:
        table.put_item(Item=item)


def test_the_command_reads_the_stacks_table_flags_and_fails(
    emulator: Emulator, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=status.__name__)
    now = datetime.datetime.now(datetime.UTC)
    recent, old = status.iso(now - datetime.timedelta(minutes=5)), "2020-01-01T00:00:00.000Z"
    _deployed(emulator, [
        _item(start=old, **{Attr.ROWS_VALID: 0}),  # flagged, but outside the default 24 h
        _item(start=recent),
        _item(file_name="raw/bad.csv", start=recent, **{Attr.ROWS_VALID: 5}),
    ])  # fmt: skip
    args = ["--stack-name", "st", "--region", emulator.region]

    assert status.main([*args, "--json"]) == 1
    listing = json.loads(capsys.readouterr().out)
    assert [(a[PARTITION_KEY], a["problems"]) for a in listing["attempts"]] == [
        ("raw/2024/sales.csv", []),
        ("raw/bad.csv", ["counts: rows_total 7 != rows_valid 5 + rows_rejected 1"]),
    ]
    assert (listing["attempts"][0]["duration_seconds"], listing["flagged"]) == (2.5, 1)
    assert (listing["scanned"], listing["truncated"]) == (3, False)

    assert status.main([*args, "--file", "2024/sales.csv", "--json"]) == 1  # its whole history
    history = json.loads(capsys.readouterr().out)["attempts"]
    assert [a[SORT_KEY] for a in history] == [old, recent]
    assert history[0]["problems"][0].startswith("counts:")

    assert status.main([*args, "--since", "1m"]) == 0  # nothing that recent: nothing flagged
    assert caplog.messages[-1].startswith("\n0 attempt(s), since ")
    assert status.main([*args, "--max-scan", "1"]) == 1  # incomplete: says so and fails
    assert caplog.messages[-1].startswith("INCOMPLETE: the scan stopped after 1 items")
    assert status.main(["--stack-name", "nope", "--region", emulator.region]) == 1
