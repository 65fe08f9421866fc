"""What the commands print: the tools' log messages as plain lines on stdout."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from tools.output import ELLIPSIS, SHOWN, LiveLine, shorten, show_output, table


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


def test_a_long_cell_keeps_its_start_and_end_and_the_columns_stay_aligned() -> None:
    key = "2024/" + "very_long_folder_name/" * 10 + "sales.csv"

    assert shorten("short.csv", 20) == "short.csv"
    short = shorten(key, 30)
    assert len(short) == 30
    assert short.startswith("2024/very_long") and short.endswith("_name/sales.csv")
    assert ELLIPSIS in short

    lines = table(("file", "status"), [(key, "FAILED"), ("a.csv", "SUCCEEDED")], width=30)

    assert lines[0].startswith("file") and set(lines[1]) == {"-", " "}
    assert lines[2] == f"{short}  FAILED"
    assert lines[3] == f"{'a.csv':<30}  SUCCEEDED"


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_off_a_terminal_progress_is_a_plain_line_when_changed_and_due() -> None:
    now = [0.0]
    stream = _Stream(tty=False)
    line = LiveLine(stream, every=10.0, clock=lambda: now[0])

    line.update("1/3")  # the first state shows at once
    line.update("2/3")  # not due yet
    now[0] = 10.0
    line.update("2/3")  # due and not shown yet
    now[0] = 25.0
    line.update("2/3")  # unchanged: nothing new to say
    line.update("3/3")
    line.done()  # already shown: not twice

    assert stream.getvalue() == "1/3\n2/3\n3/3\n"


def test_off_a_terminal_the_last_state_is_shown_once_at_the_end() -> None:
    stream = _Stream(tty=False)
    line = LiveLine(stream, every=10.0, clock=lambda: 0.0)

    line.update("1/3")
    line.update("3/3")
    line.done()

    assert stream.getvalue() == "1/3\n3/3\n"


def test_on_a_terminal_progress_is_rewritten_in_place_and_ended_once() -> None:
    stream = _Stream(tty=True)
    line = LiveLine(stream, clock=lambda: 0.0)

    line.update("1/3")
    line.update("2/3")
    line.done()

    assert stream.getvalue() == "\r1/3\x1b[K\r2/3\x1b[K\n"
