"""Event helpers: the message of a caught Step Functions error, UTF-8 safe truncation."""

from __future__ import annotations

import json

import pytest

from functions.common.events import caught_error_message, truncate_utf8


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            {
                "Error": "TransformationError",
                "Cause": json.dumps(
                    {
                        "errorType": "TransformationError",
                        "errorMessage": "boom",
                        "stackTrace": ["a"],
                    }
                ),
            },
            "TransformationError: boom",
        ),
        ({"Error": "States.Timeout", "Cause": "took too long"}, "States.Timeout: took too long"),
        ({"Error": "States.Timeout"}, "States.Timeout"),
        ({}, "UnknownError"),
        (None, "unknown error: None"),
    ],
)
def test_caught_error_message(error: object, expected: str) -> None:
    assert caught_error_message(error) == expected


def test_truncate_utf8_never_splits_a_character() -> None:
    text = "é" * 1000
    cut = truncate_utf8(text, 1000)
    assert len(cut.encode()) <= 1000
    assert cut.endswith("...")
    assert truncate_utf8("short", 1000) == "short"
