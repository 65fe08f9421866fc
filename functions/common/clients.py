"""boto3 clients created once per container, lazily so importing a handler needs no AWS."""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

# Standard retry mode: exponential backoff with jitter on throttling and transient errors.
_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=60
)


@functools.cache
def client(service: str) -> Any:
    """The shared client for `service`; region and credentials come from the environment."""
    return boto3.client(service, config=_CONFIG)
