"""Event helpers: UTF-8 safe truncation, S3 notification records."""

from __future__ import annotations

from functions.common.events import truncate_utf8


def test_truncate_utf8_never_splits_a_character() -> None:
    text = "é" * 1000
    cut = truncate_utf8(text, 1000)
    assert len(cut.encode()) <= 1000
    assert cut.endswith("...")
    assert truncate_utf8("short", 1000) == "short"
