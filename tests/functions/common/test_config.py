"""The functions' settings: read from the environment once, each bad variable named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from functions.common.config import (
    ConfigurationError,
    ValidationSettings,
)
from functions.core import CoreConfig

STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:csv-etl-prod-pipeline"
ENV = {
    "STATE_MACHINE_ARN": f" {STATE_MACHINE_ARN} ",
    "MAX_INVALID_ROW_RATIO": "0.01",
    "SOURCE_TIMEZONE": "Europe/Berlin",
}


def test_validation_settings_hold_the_workflow_and_core_rules() -> None:
    settings = ValidationSettings.from_env(ENV)

    assert settings == ValidationSettings(
        STATE_MACHINE_ARN, CoreConfig(Decimal("0.01"), "Europe/Berlin")
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("STATE_MACHINE_ARN", "", "STATE_MACHINE_ARN is required"),
        ("STATE_MACHINE_ARN", "arn:aws:sqs:us-east-1:123456789012:q", "not a valid ARN"),
        ("MAX_INVALID_ROW_RATIO", "2", "environment variable MAX_INVALID_ROW_RATIO"),
        ("SOURCE_TIMEZONE", "Nowhere/City", "environment variable SOURCE_TIMEZONE"),
        # zoneinfo knows these, polars does not: every file would fail on a polars error
        ("SOURCE_TIMEZONE", "posixrules", "environment variable SOURCE_TIMEZONE: .*'posixrules'"),
        ("SOURCE_TIMEZONE", "right/UTC", "environment variable SOURCE_TIMEZONE: .*'right/UTC'"),
    ],
)
def test_a_bad_variable_is_named(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        ValidationSettings.from_env({**ENV, name: value})
