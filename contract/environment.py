"""Environment variables the templates set and the functions read (docs/interfaces.md)."""

from __future__ import annotations

from typing import Final


class Env:
    """Variable names; the compute stack sets each, the functions' settings read each."""

    STATE_MACHINE_ARN: Final = "STATE_MACHINE_ARN"
    MAX_INVALID_ROW_RATIO: Final = "MAX_INVALID_ROW_RATIO"
    SOURCE_TIMEZONE: Final = "SOURCE_TIMEZONE"
    POWERTOOLS_SERVICE_NAME: Final = "POWERTOOLS_SERVICE_NAME"
    POWERTOOLS_METRICS_NAMESPACE: Final = "POWERTOOLS_METRICS_NAMESPACE"
    POWERTOOLS_LOG_LEVEL: Final = "POWERTOOLS_LOG_LEVEL"
    POWERTOOLS_TRACE_DISABLED: Final = "POWERTOOLS_TRACE_DISABLED"
    # The sweeper's (docs/pipeline.md §9).
    BUCKET_NAME: Final = "BUCKET_NAME"
    TABLE_NAME: Final = "TABLE_NAME"
    SWEEP_AFTER_MINUTES: Final = "SWEEP_AFTER_MINUTES"
    SWEEP_MAX_STARTS: Final = "SWEEP_MAX_STARTS"


#: CloudWatch namespace of the functions' EMF metrics.
METRICS_NAMESPACE: Final = "CsvEtl"
