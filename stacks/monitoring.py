"""Monitoring: alarms on function error rates, dead-letter queues and workflow failures; a dashboard."""

import json
from typing import Any

from troposphere import Sub
from troposphere import cloudwatch as cw

from contract.deployment import SWEEPER_SERVICE
from contract.environment import METRICS_NAMESPACE
from stacks.base import Stack, tags
from stacks.names import Output
from stacks.parameters import Param
from stacks.workflow.records import bookkeeping_metric_name

PERIOD_SECONDS = 300  # "over 5 minutes" (docs/pipeline.md §4)
ERROR_RATE_PERCENT = 5.0
# Metric math: error rate in percent, 0 when there were no invocations (no division by zero).
ERROR_RATE_EXPRESSION = "IF(invocations > 0, 100 * errors / invocations, 0)"


class MonitoringStack(Stack):
    """Every alarm notifies the topic on ALARM and OK; missing data never breaches."""

    file_name = "monitoring.json"
    description = "CSV ETL pipeline: CloudWatch alarms and dashboard"

    def build(self) -> None:
        """Error-rate, DLQ and workflow alarms, then the dashboard."""
        self.param(Param.PROJECT_NAME)
        self.param(Param.STAGE)
        self.topic = self.param(Param.TOPIC_ARN)
        functions = {
            "Validation": self.param(Param.VALIDATION_FUNCTION_NAME),
            "Transformation": self.param(Param.TRANSFORMATION_FUNCTION_NAME),
            "Sweeper": self.param(Param.SWEEPER_FUNCTION_NAME),
        }
        # The functions invoked asynchronously (by S3, by the schedule) have one each.
        queues = {
            "Validation": self.param(Param.VALIDATION_DLQ_NAME),
            "Sweeper": self.param(Param.SWEEPER_DLQ_NAME),
        }
        machine = self.param(Param.STATE_MACHINE_ARN)
        for title, function in functions.items():
            self._error_rate_alarm(title, function)
        for title, queue in queues.items():
            self._alarm(
                f"{title}DeadLetterQueueAlarm",
                f"{title} dead-letter queue holds messages: events were not processed",
                MetricName="ApproximateNumberOfMessagesVisible",
                Namespace="AWS/SQS",
                Dimensions=[cw.MetricDimension(Name="QueueName", Value=queue)],
                Statistic="Maximum",
                Threshold=0,
            )
        for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
            self._alarm(
                f"StateMachine{metric}Alarm",
                f"Workflow {metric} in the last 5 minutes",
                MetricName=metric,
                Namespace="AWS/States",
                Dimensions=[cw.MetricDimension(Name="StateMachineArn", Value=machine)],
                Statistic="Sum",
                Threshold=0,
            )
        self.param(Param.STATE_MACHINE_NAME)
        self._alarm(
            "BookkeepingFailedAlarm",
            "Workflow executions ended in BookkeepingFailed: a file's outcome is in S3 but its "
            "metadata item or notification is missing (docs/pipeline.md §3)",
            MetricName=bookkeeping_metric_name(),
            Namespace=METRICS_NAMESPACE,
            Statistic="Sum",
            Threshold=0,
        )
        self._sweeper_alarms()
        self._dashboard(functions, queues, machine)

    def _sweeper_alarms(self) -> None:
        """The sweeper's EMF metrics (dimension ``service``): files it recovered, gave up on."""
        for metric, description in (
            (
                "FilesRecovered",
                "The sweeper started uploads that raw/ still held: lost S3 events, dead-lettered "
                "starts or stranded files (docs/pipeline.md §9); its log names each",
            ),
            (
                "FilesExhausted",
                "Uploads still under raw/ after every attempt the sweeper may start: a human "
                "must look (docs/pipeline.md §9)",
            ),
        ):
            self._alarm(
                f"Sweeper{metric}Alarm",
                description,
                MetricName=metric,
                Namespace=METRICS_NAMESPACE,
                Dimensions=[cw.MetricDimension(Name="service", Value=SWEEPER_SERVICE)],
                Statistic="Sum",
                Threshold=0,
            )

    def _alarm(self, title: str, description: str, **metric: Any) -> None:
        """One evaluation period above ``Threshold`` alarms; ALARM and OK go to the topic."""
        if "Metrics" not in metric:  # a single metric; metric math sets its period per query
            metric["Period"] = PERIOD_SECONDS
        self.template.add_resource(
            cw.Alarm(
                title,
                AlarmDescription=description,
                ComparisonOperator="GreaterThanThreshold",
                EvaluationPeriods=1,
                DatapointsToAlarm=1,
                TreatMissingData="notBreaching",
                AlarmActions=[self.topic],
                OKActions=[self.topic],
                Tags=tags(),
                **metric,
            )
        )

    def _error_rate_alarm(self, title: str, function: Any) -> None:
        def lambda_metric(name: str) -> cw.MetricStat:
            return cw.MetricStat(
                Metric=cw.Metric(
                    Namespace="AWS/Lambda",
                    MetricName=name,
                    Dimensions=[cw.MetricDimension(Name="FunctionName", Value=function)],
                ),
                Period=PERIOD_SECONDS,
                Stat="Sum",
            )

        self._alarm(
            f"{title}ErrorRateAlarm",
            f"{title} function error rate above {ERROR_RATE_PERCENT:g} % over 5 minutes",
            Threshold=ERROR_RATE_PERCENT,
            Metrics=[
                cw.MetricDataQuery(
                    Id="errors", MetricStat=lambda_metric("Errors"), ReturnData=False
                ),
                cw.MetricDataQuery(
                    Id="invocations", MetricStat=lambda_metric("Invocations"), ReturnData=False
                ),
                cw.MetricDataQuery(
                    Id="error_rate",
                    Expression=ERROR_RATE_EXPRESSION,
                    Label="Error rate (%)",
                    ReturnData=True,
                ),
            ],
        )

    def _dashboard(self, functions: dict[str, Any], queues: dict[str, Any], machine: Any) -> None:
        """One dashboard of the pipeline; names enter the body through Sub variables."""

        def widget(
            title: str, metrics: list[list[Any]], x: int, y: int, stat: str = "Sum"
        ) -> dict[str, Any]:
            return {
                "type": "metric",
                "x": x,
                "y": y,
                "width": 12,
                "height": 6,
                "properties": {
                    "title": title,
                    "region": "${AWS::Region}",
                    "stat": stat,
                    "period": PERIOD_SECONDS,
                    "view": "timeSeries",
                    "metrics": metrics,
                },
            }

        widgets = [
            widget(
                f"{title} function",
                [
                    ["AWS/Lambda", name, "FunctionName", "${" + title + "Function}"]
                    for name in ("Invocations", "Errors", "Throttles")
                ],
                x=12 * (i % 2),
                y=6 * (i // 2),
            )
            for i, title in enumerate(functions)
        ]
        below = 6 * ((len(functions) + 1) // 2)  # the rows the function widgets take
        widgets.append(
            widget(
                "Workflow executions",
                [
                    ["AWS/States", name, "StateMachineArn", "${StateMachine}"]
                    for name in (
                        "ExecutionsStarted",
                        "ExecutionsSucceeded",
                        "ExecutionsFailed",
                        "ExecutionsTimedOut",
                    )
                ],
                x=0,
                y=below,
            )
        )
        widgets.append(
            widget(
                "Dead-letter queues (messages visible)",
                [
                    [
                        "AWS/SQS",
                        "ApproximateNumberOfMessagesVisible",
                        "QueueName",
                        "${" + title + "Queue}",
                    ]
                    for title in queues
                ],
                x=12,
                y=below,
                stat="Maximum",  # a depth is a level, not a count: summing samples inflates it
            )
        )
        variables = {f"{t}Function": f for t, f in functions.items()}
        variables |= {f"{t}Queue": q for t, q in queues.items()}
        variables["StateMachine"] = machine
        dashboard = self.template.add_resource(
            cw.Dashboard(
                "Dashboard",
                DashboardName=Sub("${ProjectName}-${Stage}"),
                DashboardBody=Sub(json.dumps({"widgets": widgets}, sort_keys=True), **variables),
                Tags=tags(),
            )
        )
        self.output(Output.DASHBOARD_NAME, dashboard.ref(), "CloudWatch dashboard name")
