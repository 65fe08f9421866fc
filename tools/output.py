"""What the commands print: every module logs to its own logger; a command shows them.

Modules call ``logging.getLogger(__name__).info(...)`` and never print their progress; a
command's ``__main__`` block calls ``show_output`` once, which sends the messages of this
package's loggers (and of the module run as ``python -m tools.X``, named ``__main__``) to
stdout, one plain line each. Used as a library (tests, ``make local``'s deploy step), the
same modules stay silent unless the caller shows them.

Two shapes every command shares: ``table`` (aligned columns; a long cell is shortened in the
middle, so one long key does not stretch every line) and ``LiveLine`` (progress updated in
place on a terminal, a plain line every few seconds otherwise).
"""

from __future__ import annotations

import logging
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TextIO

#: The loggers a command shows: the tools' modules, and the command module itself.
SHOWN = ("tools", "__main__")
_HANDLER_NAME = "tools.output"
ELLIPSIS = "…"
#: The widest a table cell gets before it is shortened in the middle.
MAX_CELL = 48


def show_output(quiet: Iterable[str] = ()) -> None:
    """Print INFO messages of the tools' loggers as plain lines on stdout; ``quiet`` loggers
    show only warnings and errors. Calling it again replaces the earlier configuration."""
    handler = logging.StreamHandler(sys.stdout)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in SHOWN:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)


def shorten(text: str, width: int = MAX_CELL) -> str:
    """``text`` if it fits in ``width`` characters, else its start and end around an ellipsis
    (the end of a key names the file, its start the folder)."""
    if len(text) <= width:
        return text
    keep = width - len(ELLIPSIS)
    tail = (keep + 1) // 2
    return text[: keep - tail] + ELLIPSIS + text[len(text) - tail :]


def table(header: Sequence[str], rows: Iterable[Sequence[str]], width: int = MAX_CELL) -> list[str]:
    """Aligned lines: the header, a rule, one line per row; each cell shortened to ``width``."""
    cells = [[shorten(str(c), width) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


class LiveLine:
    """One progress line: rewritten in place on a terminal; on anything else (a log, CI) a
    plain line when it changed and ``every`` seconds passed since the last one."""

    def __init__(
        self,
        stream: TextIO | None = None,
        every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stdout
        self.every = every
        self.clock = clock
        self.tty = self.stream.isatty()
        self._latest = ""  # the newest text given
        self._shown = ""  # the newest text written
        self._shown_at: float | None = None

    def update(self, text: str) -> None:
        """Show ``text`` now (terminal) or when it is due (plain lines)."""
        self._latest = text
        if self.tty:
            columns = shutil.get_terminal_size().columns
            self._write("\r" + shorten(text, max(columns - 1, 10)) + "\x1b[K", text)
        elif text != self._shown and (
            self._shown_at is None or self.clock() - self._shown_at >= self.every
        ):
            self._write(text + "\n", text)

    def done(self) -> None:
        """End the line with the newest state: a terminal keeps it, plain output gets it once."""
        if self.tty and self._shown:
            self.stream.write("\n")
        elif not self.tty and self._latest != self._shown:
            self.stream.write(self._latest + "\n")
        self.stream.flush()
        self._shown, self._shown_at = "", None

    def _write(self, raw: str, text: str) -> None:
        self.stream.write(raw)
        self.stream.flush()
        self._shown, self._shown_at = text, self.clock()
