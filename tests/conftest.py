"""Suite-wide ordering: the end-to-end tests run last.

The e2e suite runs the embedded emulator in this process and bridges moto by patching it
process-wide (tools/emulator.py); its Step Functions executions and S3 notifications run on
threads that can outlive the emulator's teardown. A handler test that ran after it under plain
``mock_aws`` failed now and then in full runs (an execution it had stopped still read RUNNING),
never alone. Running the e2e tests last keeps every other test on untouched moto.
"""

from __future__ import annotations

from pathlib import Path

import pytest

E2E = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the e2e tests to the end, keeping the order within each group."""
    items.sort(key=lambda item: E2E in Path(item.path).parents)
