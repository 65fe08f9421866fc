"""A conditional S3 write as states: read the holder, compare ranks, write on condition."""

from typing import Any

from stacks.workflow.conditional import write_if_newest


def _states() -> dict[str, dict[str, Any]]:
    def put(conditions: dict[str, str]) -> dict[str, Any]:
        return {"Key.$": "$.k", **conditions}

    return write_if_newest(
        "W", "$.k", ("putObject", put), done="D", superseded="S", failed="F", source_gone="G"
    )


def test_the_holder_is_read_from_the_objects_metadata() -> None:
    states = _states()
    holder = states["WHolder"]
    assert holder["ResultSelector"] == {"etag.$": "$.ETag", "metadata.$": "$.Metadata"}
    # A holder without our metadata (written before the rule) is the oldest, never a crash.
    this_upload, newer = states["WNewer"]["Choices"]
    assert {"Variable": "$.holder.metadata.sourceversion", "IsPresent": True} in this_upload["And"]
    assert newer["And"] == [
        {"Variable": "$.holder.metadata.rank", "IsPresent": True},
        {"Variable": "$.holder.metadata.rank", "StringGreaterThanEqualsPath": "$.rank"},
    ]
    # No such key: write it new. A 404 is an answer, never retried.
    assert holder["Catch"][0]["ErrorEquals"] == ["S3.NoSuchKeyException"]
    assert holder["Catch"][0]["Next"] == "WNew"
    assert holder["Retry"][0] == {"ErrorEquals": ["S3.NoSuchKeyException"], "MaxAttempts": 0}


def test_it_writes_only_on_condition_that_the_key_holds_what_was_read() -> None:
    states = _states()
    assert states["WNew"]["Parameters"]["IfNoneMatch"] == "*"
    assert states["WOverwrite"]["Parameters"]["IfMatch.$"] == "$.holder.etag"
    this_upload, newer = states["WNewer"]["Choices"]
    assert this_upload["Next"] == "D" and newer["Next"] == "S"
    assert states["WNewer"]["Default"] == "WOverwrite"


def test_a_lost_condition_reads_the_holder_again_anything_else_fails() -> None:
    states = _states()
    for write in ("WNew", "WOverwrite"):
        catches = {c["ErrorEquals"][0]: c["Next"] for c in states[write]["Catch"]}
        assert catches == {
            "S3.NoSuchKeyException": "G",
            "S3.S3Exception": "WLost",
            "States.ALL": "F",
        }
    (lost,) = states["WLost"]["Choices"]
    assert [r["StringMatches"] for r in lost["Or"]] == ["*Status Code: 412*", "*Status Code: 409*"]
    assert lost["Next"] == "WHolder" and states["WLost"]["Default"] == "F"
