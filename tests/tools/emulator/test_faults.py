"""Injected faults apply to the invocations they name, as many times as asked."""

from __future__ import annotations

from tools.emulator.faults import Faults


def test_a_fault_matches_function_name_or_handler_and_key_then_runs_out() -> None:
    faults = Faults()
    fault = faults.inject("Transformation", times=2, key_contains="raw/a.csv")

    assert faults.take("csv-etl-dev-validation", "functions.validation.handler", '{"key": "raw/a.csv"}') is None  # fmt: skip
    assert faults.take("csv-etl-dev-transformation", "h", '{"key": "raw/b.csv"}') is None
    assert faults.take("csv-etl-dev-transformation", "h", '{"key": "raw/a.csv"}') is fault
    assert faults.take("f", "functions.transformation.handler", '{"key": "raw/a.csv"}') is fault
    assert faults.take("csv-etl-dev-transformation", "h", '{"key": "raw/a.csv"}') is None
    assert fault.used == 2


def test_faults_are_taken_in_the_order_they_were_injected() -> None:
    faults = Faults()
    first = faults.inject("fn", times=1, error_type="First")
    second = faults.inject("fn", times=1, error_type="Second")

    taken = [faults.take("fn", "h", "{}") for _ in range(3)]

    assert taken == [first, second, None]


def test_a_lost_event_matches_its_key_then_runs_out() -> None:
    faults = Faults()
    faults.lose_events('"key": "raw%2Fa.csv"', times=1)
    assert not faults.lost('{"key": "raw%2Fb.csv"}')
    assert faults.lost('{"key": "raw%2Fa.csv"}')
    assert not faults.lost('{"key": "raw%2Fa.csv"}')  # only the next one is lost
    assert faults.take("validation", "h", '{"key": "raw%2Fa.csv"}') is None  # not a Lambda fault
