"""The proof-of-processing check (tools/invariants/proof.py) bites on each wrong figure."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from contract.ordering import rank
from tools import invariants
from tools.invariants import State, Upload
from tools.invariants.proof import amount_sum

BODY = (
    b"transaction_id,customer_id,amount,timestamp\n"
    b"T1,C1,1.5,2024-11-01\nT2,C2,-0.25,2024-11-01\nT3,C3,1000,2024-11-01\n"
)
INVALID = b"transaction_id,customer_id,amount,timestamp\nT1,C1,1.5,2024-02-30\n"
KEY = "raw/x.csv"
UPLOAD = Upload(KEY, "v1", "00A0", BODY)
BAD = Upload(KEY, "v2", "00B0", INVALID)


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _meta(upload: Upload, **extra: str) -> dict[str, str]:
    return {"rank": rank(upload.sequencer), "sourceversion": upload.version_id, **extra}


def _state(item: dict[str, Any], output: bytes | None = None) -> State:
    out = invariants.expected(BODY).output if output is None else output
    item = {
        "file_name": KEY,
        "status": "SUCCEEDED",
        "bucket": "b",
        "version_id": "v1",
        "etag": hashlib.md5(BODY, usedforsecurity=False).hexdigest(),
        "sequencer": "00A0",
        "execution_arn": "arn",
        "process_end_time": "t",
        "rows_total": 3,
        "rows_valid": 3,
        "rows_rejected": 0,
        "output_key": "processed/x.csv",
        "amount_total": "1001.25",
        "source_sha256": _sha(BODY),
        "output_sha256": _sha(out),
        **item,
    }
    metadata = _meta(
        UPLOAD, **{"output-sha256": item["output_sha256"], "amount-total": item["amount_total"]}
    )
    return State(
        objects={"processed/x.csv": {"body": out, "metadata": metadata}},
        raw_versions=set(),
        items={KEY: [item]},
        notifications=[],
    )


def test_the_exact_sum_of_the_written_amounts() -> None:
    assert amount_sum(invariants.expected(BODY).output) == "1001.25"
    assert amount_sum(b"amount\n") == "0.00"


def test_right_figures_are_ok() -> None:
    assert invariants.check([UPLOAD], _state({}))[0].category == "ok"


@pytest.mark.parametrize(
    "wrong",
    [
        {"amount_total": "1002.75"},  # summed over every row, the rejected too
        {"amount_total": "1001.2"},  # not two fraction digits
        {"source_sha256": _sha(b"other")},  # over other bytes
        {"output_sha256": _sha(BODY)},  # over the source instead of the output
        {"rows_total": 4},  # rows in != valid + rejected
    ],
)
def test_a_wrong_figure_is_caught(wrong: dict[str, Any]) -> None:
    verdict = invariants.check([UPLOAD], _state(wrong))[0]
    assert verdict.category in {"proof", "record"}
    assert any(category == "proof" for category, _ in verdict.problems)


def test_processed_bytes_other_than_the_digest_are_caught() -> None:
    # the item's digest is of the right transform, but processed/ holds other bytes
    state = _state({"output_sha256": _sha(invariants.expected(BODY).output)}, output=b"x\n")
    problems = invariants.check([UPLOAD], state)[0].problems
    assert ("proof", next(d for c, d in problems if c == "proof")) in problems


def test_an_invalid_file_proves_its_failed_copy() -> None:
    report = b'{"file": "raw/x.csv", "version_id": "v2", "error": "bad"}'
    state = State(
        objects={
            "failed/x.csv": {"body": INVALID, "metadata": _meta(BAD)},
            "failed/x.csv.error.json": {"body": report, "metadata": _meta(BAD)},
        },
        raw_versions=set(),
        items={
            KEY: [
                {
                    "file_name": KEY,
                    "status": "FAILED",
                    "bucket": "b",
                    "version_id": "v2",
                    "etag": hashlib.md5(INVALID, usedforsecurity=False).hexdigest(),
                    "sequencer": "00B0",
                    "execution_arn": "arn",
                    "process_end_time": "t",
                    "error_message": "bad",
                    "output_key": "failed/x.csv",
                    "rows_total": 1,
                    "rows_valid": 0,
                    "rows_rejected": 1,
                    "amount_total": "0.00",
                    "source_sha256": _sha(INVALID),
                    "output_sha256": _sha(INVALID),
                }
            ]
        },
        notifications=[{"message": {"file": KEY, "version_id": "v2", "execution_arn": "arn"}}],
    )
    assert invariants.check([BAD], state)[0].category == "ok"
    state.items[KEY][0]["amount_total"] = "1.50"  # the rejected row's amount counted
    assert invariants.check([BAD], state)[0].category == "proof"


def test_a_staged_output_left_behind_is_caught() -> None:
    state = _state({})
    state.staged_left = {"staging/x.csv." + "0" * 32 + ".staged"}
    assert invariants.check([UPLOAD], state)[0].category == "ok"  # another upload's
    from contract.keys import FileKeys

    state.staged_left = {FileKeys.of(KEY).staged(rank("00A0"), "v1")}
    assert invariants.check([UPLOAD], state)[0].category == "staging"
