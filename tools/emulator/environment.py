"""The environment variables that point an AWS client at the emulator, and nowhere else."""

from __future__ import annotations

import os

#: Fake credentials: the emulator accepts anything, and these can never reach AWS.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}

#: Where functions send their AWS calls until a server runs (the discard port: nothing
#: listens), so a function run by bridges alone can never reach AWS.
UNREACHABLE_ENDPOINT = "http://127.0.0.1:9"


def client_environment(endpoint: str, region: str) -> dict[str, str]:
    """Endpoint, region and fake credentials; no ~/.aws file or instance role can interfere."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        # No ~/.aws/config or profile may redirect or sign for a real account.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        **FAKE_CREDENTIALS,
    }
