"""Each promise of docs/pipeline.md, checked for one upload; a broken one adds a problem."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from contract.keys import FileKeys
from contract.metadata import SORT_KEY, TERMINAL, Attr, Status
from contract.ordering import VERSION_METADATA, rank
from tools.emulator.api_faults import LoggedCall
from tools.invariants.model import Expected, State, Upload, Verdict, expected
from tools.invariants.proof import check_proof

WRITES = {"PutObject", "CopyObject"}


def check(uploads: list[Upload], state: State) -> list[Verdict]:
    """One verdict per upload, in the order given."""
    verdicts = []
    by_key: dict[str, list[Upload]] = {}
    for upload in uploads:
        by_key.setdefault(upload.key, []).append(upload)
    for upload in uploads:
        verdict = Verdict(upload)
        _check_one(upload, by_key[upload.key], state, verdict)
        for category, detail in verdict.problems:
            if category not in upload.waived:
                verdict.category, verdict.detail = category, detail
                break
        verdicts.append(verdict)
    return verdicts


class _Broken(Exception):
    def __init__(self, category: str, detail: str) -> None:
        super().__init__(f"{category}: {detail}")
        self.category, self.detail = category, detail


def _require(condition: bool, category: str, detail: str) -> None:
    if not condition:
        raise _Broken(category, detail)


def _newest(uploads: list[Upload], valid: bool) -> Upload | None:
    matching = [u for u in uploads if u.valid is valid]
    return max(matching, key=lambda u: rank(u.sequencer), default=None)


def _check_one(upload: Upload, siblings: list[Upload], state: State, verdict: Verdict) -> None:
    """Every promise for one upload; each broken one is added to ``verdict.problems``."""
    want = expected(upload.body)
    keys = FileKeys.of(upload.key)
    # One item per attempt (execution) of this version, oldest first: the latest holds the
    # upload's outcome; an earlier one (a sweep restarted a stranded version) its own end.
    items = sorted(
        (i for i in state.items.get(upload.key, []) if i.get(Attr.VERSION_ID) == upload.version_id),
        key=lambda i: str(i.get(SORT_KEY, "")),
    )
    latest = items[-1] if items else {}
    status = str(latest.get(Attr.STATUS, ""))
    verdict.status = status if len(items) == 1 else f"{len(items)} items, latest {status}"
    newest = _newest(siblings, upload.valid)
    allowed = {Status.SUCCEEDED if upload.valid else Status.FAILED}
    if newest is not upload:
        allowed.add(Status.SUPERSEDED)

    def outcome() -> None:
        runs = {str(i.get(Attr.EXECUTION_ARN, "")) for i in items}
        _require(bool(items), "outcome", "0 metadata items for this version")
        _require(len(runs) == len(items), "outcome", f"{len(items)} items for {len(runs)} runs")
        ended = all(str(i.get(Attr.STATUS)) in TERMINAL for i in items)
        _require(ended, "outcome", f"status {status} (or an earlier attempt's) is not terminal")
        _require(status in allowed, "outcome", f"status {status}, expected {sorted(allowed)}")

    steps = [
        outcome,
        lambda: _require(
            upload.key not in state.raw_versions, "raw", "a version is left under raw/"
        ),
        lambda: _check_place(upload, want, keys, state) if newest is upload else None,
        lambda: _check_item(upload, want, latest, keys) if items else None,
        lambda: check_proof(upload, want, latest, state, _require) if items else None,
        lambda: _check_staging(upload, status, keys, state),
        lambda: _check_notifications(upload, items, state),
        lambda: _check_order(upload, status, keys, state),
    ]
    for step in steps:
        try:
            step()
        except _Broken as broken:
            verdict.problems.append((broken.category, broken.detail))


def _check_place(upload: Upload, want: Expected, keys: FileKeys, state: State) -> None:
    place = keys.processed if upload.valid else keys.failed
    held = state.objects.get(place)
    _require(held is not None, "outcome", f"{place} is missing")
    assert held is not None
    _require(
        held["metadata"].get(VERSION_METADATA) == upload.version_id,
        "outcome",
        f"{place} holds another upload",
    )
    content = want.output if upload.valid else upload.body
    _require(
        held["body"] == content,
        "content",
        f"{place} is not {'the transform' if upload.valid else 'the original'} of this upload",
    )
    other = keys.failed if upload.valid else keys.processed
    if other in state.objects:
        holder = state.objects[other]["metadata"].get(VERSION_METADATA)
        _require(holder != upload.version_id, "outcome", f"also in {other}")
    if not upload.valid:
        report = state.objects.get(keys.error_report)
        _require(report is not None, "report", f"{keys.error_report} is missing")
        assert report is not None
        parsed = json.loads(report["body"])
        _require(
            parsed.get("file") == upload.key
            and parsed.get("version_id") == upload.version_id
            and bool(parsed.get("error")),
            "report",
            f"{keys.error_report} does not describe this upload",
        )


def _check_item(upload: Upload, want: Expected, item: Mapping[str, Any], keys: FileKeys) -> None:
    for attr in (Attr.BUCKET, Attr.ETAG, Attr.EXECUTION_ARN, Attr.PROCESS_END_TIME):
        _require(bool(item.get(attr)), "record", f"item has no {attr}")
    _require(item.get(Attr.SEQUENCER) == upload.sequencer, "record", "item sequencer differs")
    etag = hashlib.md5(upload.body, usedforsecurity=False).hexdigest()
    _require(
        item.get(Attr.ETAG) == etag, "record", f"item etag {item.get(Attr.ETAG)} is not {etag}"
    )
    status = item.get(Attr.STATUS)
    figures = (want.rows_total, want.rows_valid, want.rows_rejected)
    counted = tuple(item.get(a) for a in (Attr.ROWS_TOTAL, Attr.ROWS_VALID, Attr.ROWS_REJECTED))
    if status == Status.SUCCEEDED:
        _require(counted == figures, "record", f"counts {counted}, expected {figures}")
        _require(
            item.get(Attr.OUTPUT_KEY) == keys.processed, "record", "output_key is not processed/"
        )
        _require(Attr.ERROR_MESSAGE not in item, "record", "a success with an error message")
    if status == Status.FAILED:
        _require(bool(item.get(Attr.ERROR_MESSAGE)), "record", "a failure without error_message")
        _require(item.get(Attr.OUTPUT_KEY) == keys.failed, "record", "output_key is not failed/")
        if Attr.ROWS_TOTAL in item:
            _require(counted == figures, "record", f"counts {counted}, expected {figures}")


def _check_staging(upload: Upload, status: str, keys: FileKeys, state: State) -> None:
    """A promoted or superseded valid upload leaves nothing under staging/ (pipeline.md §1)."""
    if not upload.valid or status not in (Status.SUCCEEDED, Status.SUPERSEDED):
        return
    staged = keys.staged(rank(upload.sequencer), upload.version_id)
    _require(staged not in state.staged_left, "staging", f"{staged} is left behind")


def _check_notifications(upload: Upload, items: list[dict[str, Any]], state: State) -> None:
    mine = [
        n
        for n in state.notifications
        if isinstance(n.get("message"), dict)
        and n["message"].get("file") == upload.key
        and n["message"].get("version_id") == upload.version_id
    ]
    failed_runs = {i.get("execution_arn") for i in items if i.get(Attr.STATUS) == Status.FAILED}
    notified = {n["message"].get("execution_arn") for n in mine}
    _require(
        notified == failed_runs,
        "notification",
        f"{len(notified)} runs notified, expected {len(failed_runs)} (one per FAILED run)",
    )
    # A second copy for one run is SNS's at-least-once delivery after a lost response only.
    extra = len(mine) - len(notified)
    _require(
        extra <= state.lost_publishes,
        "notification",
        f"{len(mine)} notifications, expected {len(failed_runs)}",
    )


def _check_order(upload: Upload, status: str, keys: FileKeys, state: State) -> None:
    if state.calls is None or status == Status.SUPERSEDED:
        return
    place = keys.processed if upload.valid else keys.failed
    written = [
        c.index
        for c in state.calls
        if c.operation in WRITES
        and c.status < 300
        and _is_path_of(c.path, place)
        and _header(c, f"x-amz-meta-{VERSION_METADATA}") == upload.version_id
    ]
    deleted = [
        c.index
        for c in state.calls
        if c.operation == "DeleteObject"
        and c.status < 300
        and _is_path_of(c.path, upload.key)
        and c.query.get("versionId") == [upload.version_id]
    ]
    _require(bool(deleted), "order", "the raw/ version was never deleted by the pipeline")
    _require(
        bool(written) and min(written) < min(deleted),
        "order",
        f"raw/ deleted before {place} was written",
    )


def _is_path_of(path: str, key: str) -> bool:
    return path.endswith("/" + key) or path.endswith("/" + quote(key, safe="/~"))


def _header(call: LoggedCall, name: str) -> str:
    return next((v for k, v in call.headers.items() if k.lower() == name), "")


def summary(verdicts: list[Verdict]) -> dict[str, int]:
    """How many uploads got each verdict category."""
    counts: dict[str, int] = {}
    for verdict in verdicts:
        counts[verdict.category] = counts.get(verdict.category, 0) + 1
    return counts
