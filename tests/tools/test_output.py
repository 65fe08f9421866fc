"""What the commands print: the tools' log messages as plain lines on stdout."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tools.output import SHOWN, show_output


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    names = [*SHOWN, "tools.deploy"]
    saved = {n: (logging.getLogger(n).level, list(logging.getLogger(n).handlers)) for n in names}
    yield
    for name, (level, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers


def test_messages_are_plain_lines_and_quiet_loggers_show_only_warnings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    show_output(quiet=["tools.deploy"])
    show_output(quiet=["tools.deploy"])  # again: still one line per message

    logging.getLogger("tools.package").info("packaged")
    logging.getLogger("__main__").info("[  1.0s] step")
    logging.getLogger("tools.deploy").info("+ aws cloudformation deploy")
    logging.getLogger("tools.deploy").warning("deploy failed")
    logging.getLogger("botocore.credentials").info("Found credentials")

    assert capsys.readouterr().out == "packaged\n[  1.0s] step\ndeploy failed\n"
