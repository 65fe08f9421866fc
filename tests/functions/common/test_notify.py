"""The SNS failure notification: subject within SNS limits, the documented JSON body."""

from __future__ import annotations

import json

from functions.common import notify


def test_subject_names_the_file_within_sns_limits() -> None:
    assert notify.subject("raw/x.csv") == "CSV ETL failure: raw/x.csv"
    long = notify.subject("raw/" + "d/" * 100 + "été\nfinal.csv")
    assert len(long) <= 99
    assert long.startswith("CSV ETL failure: ...")
    assert long.endswith("?final.csv")
    assert all(" " <= ch <= "~" for ch in long)


def test_message_is_the_documented_json() -> None:
    body = json.loads(
        notify.message(
            key="raw/x.csv", bucket="b", stage="validation", error="E" * 10_000, execution_arn="arn"
        )
    )
    assert set(body) == {"file", "bucket", "stage", "error", "execution_arn"}
    assert len(body["error"]) == notify.MAX_ERROR
