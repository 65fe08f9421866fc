"""contract.keys: the raw/ -> processed/ | failed/ layout and the trigger rule."""

from __future__ import annotations

import pytest

from contract.keys import FileKeys, triggers_pipeline


def test_keys_map_raw_to_every_outcome() -> None:
    keys = FileKeys.of("raw/2026/01/x.csv")
    assert keys.path == "2026/01/x.csv"
    assert keys.processed == "processed/2026/01/x.csv"
    assert keys.failed == "failed/2026/01/x.csv"
    assert keys.error_report == "failed/2026/01/x.csv.error.json"
    assert keys.rejected == "failed/2026/01/x.csv.rejected.csv"
    assert keys.outcomes == ("processed/2026/01/x.csv", "failed/2026/01/x.csv")
    assert FileKeys.from_path("2026/01/x.csv") == keys


@pytest.mark.parametrize("key", ["processed/x.csv", "x.csv", "raw/", "Raw/x.csv", "/raw/x.csv"])
def test_keys_refuse_anything_but_a_raw_file(key: str) -> None:
    with pytest.raises(ValueError, match="must start with 'raw/'"):
        FileKeys.of(key)


@pytest.mark.parametrize(
    ("key", "triggers"),
    [
        ("raw/x.csv", True),
        ("raw/a/b/.csv", True),  # S3's suffix filter matches a bare ".csv" file name too
        ("raw/x.CSV", False),  # the filter is case-sensitive
        ("raw/x.csv.gz", False),
        ("processed/x.csv", False),
        ("x.csv", False),
    ],
)
def test_only_csv_objects_under_raw_trigger_the_pipeline(key: str, triggers: bool) -> None:
    assert triggers_pipeline(key) is triggers
