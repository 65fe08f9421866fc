"""boto3 clients created once per container, lazily so importing a handler needs no AWS."""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

# What the X-Ray tracer patches: only the AWS SDK these functions call. Powertools' default
# patches every library the X-Ray SDK knows (requests, sqlite3, httpx, ...), importing each one
# at cold start for calls the functions never make.
TRACED_MODULES = ("botocore",)

# Standard retry mode: exponential backoff with jitter on throttling and transient errors.
_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=60
)


@functools.cache
def client(service: str) -> Any:
    """The shared client for `service`; region and credentials come from the environment."""
    return boto3.client(service, config=_CONFIG)
