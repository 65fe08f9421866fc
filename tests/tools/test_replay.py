"""`make replay`'s choice of uploads, and its refusals before touching anything."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tools import replay


def _item(key: str, start: str, status: str, version: str = "v") -> dict[str, Any]:
    return {"file_name": key, "process_start_time": start, "status": status, "version_id": version}


ITEMS = [
    _item("raw/a.csv", "2026-12-01T10:00:00Z", "FAILED", "a1"),
    _item("raw/a.csv", "2026-12-01T11:00:00Z", "SUCCEEDED", "a2"),  # fixed by a newer upload
    _item("raw/b.csv", "2026-12-01T09:00:00Z", "SUCCEEDED", "b1"),
    _item("raw/b.csv", "2026-12-01T12:00:00Z", "FAILED", "b2"),
    _item("raw/dir/c.csv", "2026-11-30T08:00:00Z", "FAILED", "c1"),
    _item("raw/d.csv", "2026-12-01T13:00:00Z", "PROCESSING", "d1"),
]


def _keys(selection: replay.Selection) -> list[str]:
    return [i["file_name"] for i in replay.failed_attempts(ITEMS, selection)]


def test_only_keys_whose_latest_attempt_failed_are_chosen() -> None:
    assert _keys(replay.Selection(prefix="raw/")) == ["raw/b.csv", "raw/dir/c.csv"]
    (chosen,) = replay.failed_attempts(ITEMS, replay.Selection(file="raw/b.csv"))
    assert chosen["version_id"] == "b2"


def test_file_prefix_and_since_narrow_the_choice() -> None:
    assert _keys(replay.Selection(file="raw/a.csv")) == []
    assert _keys(replay.Selection(prefix="raw/dir/")) == ["raw/dir/c.csv"]
    since = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    assert _keys(replay.Selection(since=since)) == ["raw/b.csv"]


def _run(monkeypatch: pytest.MonkeyPatch, items: list[dict[str, Any]], answer: bool) -> Any:
    outputs = {"TableName": "t", "BucketName": "b", "StateMachineArn": "m"}
    monkeypatch.setattr(replay, "stack_outputs", lambda *_: outputs)
    monkeypatch.setattr(replay.pipeline_state, "metadata_items", lambda _: items)
    replayed: list[str] = []

    def replay_one(_bucket: str, _machine: str, item: dict[str, Any]) -> dict[str, str]:
        replayed.append(item["file_name"])
        return {"version_id": "new", "execution_arn": "arn"}

    monkeypatch.setattr(replay, "replay_one", replay_one)
    asked: list[int] = []

    def confirm(count: int) -> bool:
        asked.append(count)
        return answer

    try:
        replay.replay("s", "r", replay.Selection(prefix="raw/"), confirm=confirm)
    except replay.Refusal as refusal:
        return asked, replayed, str(refusal)
    return asked, replayed, ""


def test_more_than_a_few_files_ask_first_and_no_means_nothing_is_touched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    many = [_item(f"raw/{n}.csv", "2026-12-01T00:00:00Z", "FAILED") for n in range(4)]
    assert _run(monkeypatch, many, answer=False) == (
        [4],
        [],
        "not replaying 4 files (YES=1 replays without asking)",
    )
    asked, replayed, _ = _run(monkeypatch, many, answer=True)
    assert (asked, len(replayed)) == ([4], 4)
    asked, replayed, _ = _run(monkeypatch, many[:3], answer=False)
    assert (asked, len(replayed)) == ([], 3)  # a few: no question


def test_nothing_matching_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    asked, replayed, refusal = _run(monkeypatch, ITEMS[:2], answer=True)
    assert (asked, replayed) == ([], []) and refusal.startswith("nothing to replay")
    assert "PREFIX=raw/" in refusal


def test_the_command_line_refuses_without_a_selection() -> None:
    with pytest.raises(SystemExit):
        replay.main(["--stack-name", "s", "--region", "r"])
