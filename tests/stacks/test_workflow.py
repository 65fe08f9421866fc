"""The workflow as a whole: where it starts, every task's Retry and Catch, a graph that ends.

The paths state by state are in tests/stacks/workflow/.
"""

from typing import Any

from tests.stacks.helpers import canonical

MAIN_PATH_TASKS = {
    "RecordStart",
    "Validate",
    "Transform",
    "RecordSuccess",
    "RecordInvalid",
    "RecordSuperseded",
    "NotifyInvalid",
}
FAILURE_PATH_TASKS = {
    *(
        f"{write}{step}"
        for write in ("QuarantineFile", "QuarantineReport")
        for step in ("Holder", "New", "Overwrite")
    ),
    "QuarantineDeleteRaw",
    "SupersededDeleteRaw",
    "RecordFailure",
    "RecordValidatedFailure",
    "RecordSupersededFailure",
    "Notify",
}
LAMBDA_TRANSIENT_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
]


def _targets(state: dict[str, Any]) -> list[str]:
    targets = [state[k] for k in ("Next", "Default") if k in state]
    targets += [c["Next"] for c in state.get("Choices", [])]
    targets += [c["Next"] for c in state.get("Catch", [])]
    return targets


def test_starts_by_recording_the_start_in_jsonpath(machine: dict[str, Any]) -> None:
    assert machine["Definition"]["StartAt"] == "RecordStart"
    assert machine["Definition"]["QueryLanguage"] == "JSONPath"


def test_the_tasks_are_the_main_and_failure_path_ones(states: dict[str, dict[str, Any]]) -> None:
    tasks = {n for n, s in states.items() if s["Type"] == "Task"}
    assert tasks == MAIN_PATH_TASKS | FAILURE_PATH_TASKS


def test_every_task_retries_with_backoff_and_jitter(states: dict[str, dict[str, Any]]) -> None:
    for name, task in states.items():
        if task["Type"] != "Task":
            continue
        assert task["Retry"], name
        for retrier in task["Retry"]:
            if retrier["MaxAttempts"] == 0:  # S3's "no such key" is an answer, not a fault
                assert retrier["ErrorEquals"] == ["S3.NoSuchKeyException"], name
                continue
            assert retrier["BackoffRate"] > 1, name
            assert 1 <= retrier["MaxAttempts"] <= 10, name
            assert retrier["JitterStrategy"] == "FULL", name
            assert retrier["MaxDelaySeconds"] == 60, name
        assert task["Retry"][-1]["ErrorEquals"] == ["States.ALL"], name
        # A Lambda task first rides out Lambda's own transient errors, then retries its own
        # errors 3 times; a service task (DynamoDB, SNS, S3) retries anything 10 times.
        is_lambda = canonical(task["Resource"]).endswith(":states:::lambda:invoke")
        attempts = [r["MaxAttempts"] for r in task["Retry"] if r["MaxAttempts"]]
        errors = [r["ErrorEquals"] for r in task["Retry"] if r["MaxAttempts"]]
        assert errors == ([LAMBDA_TRANSIENT_ERRORS] if is_lambda else []) + [["States.ALL"]], name
        assert attempts == ([6, 3] if is_lambda else [10]), name


def test_retry_interval_is_a_fixed_integer(
    templates: dict[str, dict[str, Any]], states: dict[str, dict[str, Any]]
) -> None:
    # ASL wants whole seconds; the emulator scales every wait, so no parameter is needed.
    assert "Conditions" not in templates["orchestration.json"]
    intervals = [
        retrier["IntervalSeconds"]
        for state in states.values()
        for retrier in state.get("Retry", [])
        if retrier["MaxAttempts"]
    ]
    assert intervals and all(type(i) is int and i == 2 for i in intervals), intervals


def test_every_task_catches_everything(states: dict[str, dict[str, Any]]) -> None:
    for name, state in states.items():
        if state["Type"] == "Task":
            assert state["Catch"][-1]["ErrorEquals"] == ["States.ALL"], name


def test_transitions_are_valid_every_state_is_reachable_and_only_a_lost_write_loops(
    states: dict[str, dict[str, Any]], machine: dict[str, Any]
) -> None:
    for name, state in states.items():
        for target in _targets(state):
            assert target in states, f"{name} -> {target}"
        terminal = state["Type"] in {"Succeed", "Fail"} or state.get("End")
        assert terminal or _targets(state), name
    seen: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:  # the one loop: a conditional write that lost reads the holder again
            loop = path[path.index(name) :]
            assert loop[-1].endswith("Lost") and name.endswith("Holder"), f"cycle: {loop}"
            return
        if name in seen:
            return
        for target in _targets(states[name]):
            visit(target, (*path, name))
        seen.add(name)

    visit(machine["Definition"]["StartAt"], ())
    assert seen == set(states)


def test_the_execution_ends_in_an_outcome_or_in_a_named_failure(
    states: dict[str, dict[str, Any]],
) -> None:
    ends = {n: s["Type"] for n, s in states.items() if s["Type"] in {"Succeed", "Fail"}}
    assert ends == {
        "Succeeded": "Succeed",
        "FileRejected": "Succeed",
        "Superseded": "Succeed",
        "PipelineFailed": "Fail",
        "BookkeepingFailed": "Fail",
    }
    assert states["BookkeepingFailed"]["Error"] == "BookkeepingFailed"
