"""The invocation log finds invocations by function and by what their event contains."""

from __future__ import annotations

from tools.emulator.invocations import Invocation, InvocationLog


def test_find_filters_by_function_name_and_event_content() -> None:
    log = InvocationLog()
    first = Invocation("csv-etl-dev-validation", {"key": "raw/a.csv"}, True, "{}", 0.1)
    second = Invocation("csv-etl-dev-transformation", {"key": "raw/a.csv"}, False, "{}", 0.2)
    third = Invocation("csv-etl-dev-transformation", {"key": "raw/b.csv"}, True, "{}", 0.3)
    for invocation in (first, second, third):
        log.record(invocation)

    assert log.find() == [first, second, third]
    assert log.find("TRANSFORMATION") == [second, third]
    assert log.find("transformation", key_contains="raw/a") == [second]
    assert log.find("nothing") == []
