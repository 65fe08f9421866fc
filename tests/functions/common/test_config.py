"""The functions' settings: read from the environment once, each bad variable named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from functions.common.config import (
    ConfigurationError,
    TriggerSettings,
    ValidationSettings,
)
from functions.core import CoreConfig

STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:csv-etl-prod-pipeline"
ENV = {
    "STATE_MACHINE_ARN": f" {STATE_MACHINE_ARN} ",
    "MAX_INVALID_ROW_RATIO": "0.01",
    "SOURCE_TIMEZONE": "Europe/Berlin",
}


def test_trigger_settings_hold_the_workflow() -> None:
    assert TriggerSettings.from_env(ENV) == TriggerSettings(STATE_MACHINE_ARN)


def test_validation_settings_hold_the_core_rules() -> None:
    settings = ValidationSettings.from_env(ENV)

    assert settings == ValidationSettings(CoreConfig(Decimal("0.01"), "Europe/Berlin"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "STATE_MACHINE_ARN is required"),
        ("arn:aws:sqs:us-east-1:123456789012:q", "not a valid ARN"),
    ],
)
def test_a_bad_workflow_arn_is_named(value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        TriggerSettings.from_env({**ENV, "STATE_MACHINE_ARN": value})


def test_each_settings_read_only_their_own_variables() -> None:
    # a Validate task does not need the workflow; an S3 notification does not need the core
    validation = ValidationSettings.from_env({**ENV, "STATE_MACHINE_ARN": ""})
    trigger = TriggerSettings.from_env({**ENV, "SOURCE_TIMEZONE": "Nowhere/City"})

    assert validation.core == CoreConfig(Decimal("0.01"), "Europe/Berlin")
    assert trigger.state_machine_arn == STATE_MACHINE_ARN


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
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
