"""Configuration read from the Lambda environment once per invocation, validated before any work.

Each kind of invocation reads what it uses and no more: the validation function's S3
notifications need only the workflow (``TriggerSettings``), its Validate tasks only the
core's rules (``ValidationSettings``), which import the core, and with it polars, when first
read. So a cold start that only starts executions, and the sweeper, never load polars.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contract.environment import Env

if TYPE_CHECKING:
    from functions.core import CoreConfig

# arn:<partition>:states:<region>:<account>:stateMachine:<name>
_STATE_MACHINE_ARN = re.compile(
    r"^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$"
)


class ConfigurationError(ValueError):
    """An environment variable is missing or malformed; the message names it."""


def _required(env: Mapping[str, str], name: str, pattern: re.Pattern[str]) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"environment variable {name} is required but not set")
    if not pattern.fullmatch(value):
        raise ConfigurationError(f"environment variable {name} is not a valid ARN: {value!r}")
    return value


def _core(env: Mapping[str, str]) -> CoreConfig:
    from functions.core import CoreConfig  # here, not at the top: polars, only where it runs

    try:
        return CoreConfig.from_env(env)
    except ValueError as exc:  # its message starts with the variable's name
        raise ConfigurationError(f"environment variable {exc}") from exc


@dataclass(frozen=True, slots=True)
class TriggerSettings:
    """What an S3 notification needs: the workflow to start."""

    state_machine_arn: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TriggerSettings:
        """Read and check the environment; raise ConfigurationError naming the bad variable."""
        return cls(state_machine_arn=_required(env, Env.STATE_MACHINE_ARN, _STATE_MACHINE_ARN))


@dataclass(frozen=True, slots=True)
class ValidationSettings:
    """What a Validate task needs: the core rules (MAX_INVALID_ROW_RATIO, SOURCE_TIMEZONE)."""

    core: CoreConfig

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ValidationSettings:
        """Read and check the environment; raise ConfigurationError naming the bad variable."""
        return cls(core=_core(env))


def _positive(env: Mapping[str, str], name: str) -> int:
    value = env.get(name, "").strip()
    if not value.isdigit() or int(value) < 1:
        raise ConfigurationError(f"environment variable {name} must be a whole number >= 1")
    return int(value)


def _name(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"environment variable {name} is required but not set")
    return value


@dataclass(frozen=True, slots=True)
class SweeperSettings:
    """What the sweeper needs: where uploads wait, the workflow, the items, its bounds."""

    bucket: str
    table: str
    state_machine_arn: str
    sweep_after_minutes: int  # a version younger than this is left to its S3 event
    max_starts: int  # executions one run starts at most

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SweeperSettings:
        """Read and check the environment; raise ConfigurationError naming the bad variable."""
        return cls(
            bucket=_name(env, Env.BUCKET_NAME),
            table=_name(env, Env.TABLE_NAME),
            state_machine_arn=_required(env, Env.STATE_MACHINE_ARN, _STATE_MACHINE_ARN),
            sweep_after_minutes=_positive(env, Env.SWEEP_AFTER_MINUTES),
            max_starts=_positive(env, Env.SWEEP_MAX_STARTS),
        )
