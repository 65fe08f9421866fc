"""Alarms: thresholds, periods, metric math, actions; and the dashboard."""

import json
from typing import Any

import pytest

from tests.stacks.helpers import of_type


@pytest.fixture(scope="module")
def alarms(templates: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found = of_type(templates["monitoring.json"], "AWS::CloudWatch::Alarm")
    return {k: v["Properties"] for k, v in found.items()}


def test_the_expected_alarms_exist(alarms: dict[str, dict[str, Any]]) -> None:
    assert set(alarms) == {
        "ValidationErrorRateAlarm",
        "TransformationErrorRateAlarm",
        "SweeperErrorRateAlarm",
        "ValidationDeadLetterQueueAlarm",
        "SweeperDeadLetterQueueAlarm",
        "SweeperFilesRecoveredAlarm",
        "SweeperFilesExhaustedAlarm",
        "StateMachineExecutionsFailedAlarm",
        "StateMachineExecutionsTimedOutAlarm",
        "BookkeepingFailedAlarm",
    }


def test_every_alarm_notifies_the_topic_and_ignores_missing_data(
    alarms: dict[str, dict[str, Any]],
) -> None:
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [{"Ref": "TopicArn"}], name
        assert alarm["OKActions"] == [{"Ref": "TopicArn"}], name
        assert alarm["TreatMissingData"] == "notBreaching", name
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold", name
        assert alarm["EvaluationPeriods"] == 1 and alarm["DatapointsToAlarm"] == 1, name


@pytest.mark.parametrize("title", ["Validation", "Transformation", "Sweeper"])
def test_error_rate_above_5_percent_over_5_minutes(
    alarms: dict[str, dict[str, Any]], title: str
) -> None:
    alarm = alarms[f"{title}ErrorRateAlarm"]
    assert alarm["Threshold"] == 5.0
    queries = {q["Id"]: q for q in alarm["Metrics"]}
    assert set(queries) == {"errors", "invocations", "error_rate"}
    for metric_id, metric_name in (("errors", "Errors"), ("invocations", "Invocations")):
        stat = queries[metric_id]["MetricStat"]
        assert queries[metric_id]["ReturnData"] is False
        assert stat["Metric"]["MetricName"] == metric_name
        assert stat["Metric"]["Namespace"] == "AWS/Lambda"
        assert stat["Metric"]["Dimensions"] == [
            {"Name": "FunctionName", "Value": {"Ref": f"{title}FunctionName"}}
        ]
        assert stat["Period"] == 300
        assert stat["Stat"] == "Sum"
    rate = queries["error_rate"]
    assert rate["ReturnData"] is True
    assert rate["Expression"] == "IF(invocations > 0, 100 * errors / invocations, 0)"


def _evaluate(expression: str, errors: float, invocations: float) -> float:
    """The metric math expression, evaluated the way CloudWatch's IF would."""
    assert expression == "IF(invocations > 0, 100 * errors / invocations, 0)"
    return 100 * errors / invocations if invocations > 0 else 0


@pytest.mark.parametrize(
    ("errors", "invocations", "alarms_"),
    [(0, 0, False), (5, 100, False), (6, 100, True), (1, 1, True), (0, 50, False)],
)
def test_error_rate_semantics(
    alarms: dict[str, dict[str, Any]], errors: int, invocations: int, alarms_: bool
) -> None:
    alarm = alarms["ValidationErrorRateAlarm"]
    (rate,) = [q for q in alarm["Metrics"] if q["Id"] == "error_rate"]
    assert (_evaluate(rate["Expression"], errors, invocations) > alarm["Threshold"]) is alarms_


def test_dlq_and_workflow_alarms(alarms: dict[str, dict[str, Any]]) -> None:
    for title in ("Validation", "Sweeper"):  # invoked asynchronously: by S3, by the schedule
        alarm = alarms[f"{title}DeadLetterQueueAlarm"]
        assert alarm["Namespace"] == "AWS/SQS"
        assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert alarm["Dimensions"] == [
            {"Name": "QueueName", "Value": {"Ref": f"{title}DeadLetterQueueName"}}
        ]
        assert alarm["Threshold"] == 0 and alarm["Period"] == 300
    for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
        alarm = alarms[f"StateMachine{metric}Alarm"]
        assert alarm["Namespace"] == "AWS/States"
        assert alarm["MetricName"] == metric
        assert alarm["Dimensions"] == [
            {"Name": "StateMachineArn", "Value": {"Ref": "StateMachineArn"}}
        ]
        assert alarm["Statistic"] == "Sum"
        assert alarm["Threshold"] == 0 and alarm["Period"] == 300


def test_dashboard_body_is_json_covering_functions_workflow_and_queues(
    templates: dict[str, dict[str, Any]],
) -> None:
    (dashboard,) = of_type(templates["monitoring.json"], "AWS::CloudWatch::Dashboard").values()
    text, variables = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    body = json.loads(text)
    namespaces = {w["properties"]["metrics"][0][0] for w in body["widgets"]}
    assert namespaces == {"AWS/Lambda", "AWS/States", "AWS/SQS"}
    for name in variables:
        assert "${" + name + "}" in text
    (queues,) = [w for w in body["widgets"] if w["properties"]["metrics"][0][0] == "AWS/SQS"]
    # A queue depth is a level: its samples are not summed, the dashboard shows the maximum.
    assert queues["properties"]["stat"] == "Maximum"
    assert {w["properties"]["stat"] for w in body["widgets"] if w is not queues} == {"Sum"}


@pytest.mark.parametrize("metric", ["FilesRecovered", "FilesExhausted"])
def test_the_sweepers_counts_alarm(alarms: dict[str, dict[str, Any]], metric: str) -> None:
    # Powertools' EMF metrics carry the dimension "service" (POWERTOOLS_SERVICE_NAME): an
    # alarm on other dimensions would watch a metric nobody emits.
    alarm = alarms[f"Sweeper{metric}Alarm"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("CsvEtl", metric)
    assert alarm["Dimensions"] == [{"Name": "service", "Value": "sweeper"}]
    assert alarm["Statistic"] == "Sum" and alarm["Threshold"] == 0
